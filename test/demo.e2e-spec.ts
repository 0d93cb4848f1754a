import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MxgConfigService, slotNodeName, slotPort } from '@mxg/config';
import { CALCULATION_COLUMNS, TOTAL_LABEL } from '@mxg/settlements';

const ROOT = join(__dirname, '..');
const MXG = join(ROOT, 'apps', 'cli', 'bin', 'mxg.js');

/** The README's main command, minus the set-up `npm test` has already done (build, services, PKI). */
function runDemo(
  entry = 'main.js',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', 'demo', 'src', entry)], {
      cwd: ROOT,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run demo: two gateways exchange a request, a clarification and the answer, signed and encrypted', () => {
  it('prints the whole timeline, writes artefacts OpenSSL accepts, stops both gateways and exits 0', async () => {
    const { code, stdout, stderr } = await runDemo();
    expect(stderr).not.toContain('demo failed');
    expect(code).toBe(0);
    for (const [side, what, event] of [
      ['KZ', 'request', 'message.submitted'],
      ['KZ', 'request', 'message.published'],
      ['AZ', 'request', 'message.received'],
      ['AZ', 'request', 'receipt.sent'],
      ['AZ', 'response', 'message.published'],
      ['KZ', 'request', 'receipt.received'],
      ['KZ', 'response', 'message.received'],
      ['AZ', 'response', 'receipt.received'],
      ['KZ', 'request', 'request.opened'],
      ['AZ', 'clarif-rq', 'request.clarification-requested'],
      ['KZ', 'clarif', 'request.clarified'],
      ['AZ', 'response', 'request.answered'],
      ['KZ', 'response', 'request.answered'],
      // #12: the response's handling restrictions on both sides; the content read, audited.
      ['AZ', 'response', 'handling.restricted'],
      ['KZ', 'response', 'handling.restricted'],
      ['KZ', 'response', 'data.accessed'],
    ]) {
      expect(stdout).toMatch(new RegExp(`${side}\\s+${what}\\s+${event.replace('.', '\\.')}`));
    }
    expect(stdout).toMatch(/all delivered, all receipted/);
    // #15: each party on a broker of its own, linked over mutual TLS, and the demo says where:
    // mxg-kz@localhost on 5681 and mxg-az@localhost on 5682, or this checkout's own (#17).
    const slot = MxgConfigService.load().checkoutSlot;
    const [kzNode, azNode] = [
      [slotNodeName('mxg-kz@localhost', slot), slotPort(5681, slot)],
      [slotNodeName('mxg-az@localhost', slot), slotPort(5682, slot)],
    ] as const;
    expect(stdout).toContain(
      `KZ's broker: node ${kzNode[0]}, amqps://localhost:${kzNode[1]}, vhost mxg-kz`,
    );
    expect(stdout).toContain(
      `AZ's broker: node ${azNode[0]}, amqps://localhost:${azNode[1]}, vhost mxg-az`,
    );
    expect(stdout).toContain(
      `link KZ → AZ: shovel to amqps://localhost:${azNode[1]}/mxg-az, mutual TLS, EXTERNAL login as CN=mxg-link-kz,O=KZ,C=KZ`,
    );
    expect(stdout).toContain(
      `link AZ → KZ: shovel to amqps://localhost:${kzNode[1]}/mxg-kz, mutual TLS`,
    );
    // #15: each national system talked HTTPS to its own gateway (which refuses plain HTTP),
    // trusting that party's CA, and the demo says so.
    expect(stdout).toContain("KZ API https://127.0.0.1:3101 (TLS, server certificate of KZ's CA;");
    expect(stdout).toContain("AZ API https://127.0.0.1:3102 (TLS, server certificate of AZ's CA;");
    // MIG-11.2: both gateways hold the request's purpose code.
    expect(stdout).toMatch(
      /purpose residence-permit-decision at KZ, residence-permit-decision at AZ/,
    );
    // MIG-10.3: the deadline from AZ's signed receipt, and the request answered on both sides.
    const due = /its signed receipt sets the deadline: (\d{4}-\d{2}-\d{2})/.exec(stdout)![1];
    expect(stdout).toMatch(
      new RegExp(`answered at KZ, answered at AZ — received \\S+, due ${due}`),
    );
    const dir = /signed artefacts in (\S+)\//.exec(stdout)![1];
    const verify = (file: string, party: string) =>
      spawnSync('openssl', [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        join(ROOT, dir, file),
        '-CAfile',
        join(ROOT, 'certs', party, 'ca.cert.pem'),
        '-out',
        '/dev/null',
      ]);
    expect(verify('request.signed.p7s', 'kz').status).toBe(0);
    expect(verify('request.receipt.p7s', 'az').status).toBe(0);
    expect(verify('response.signed.p7s', 'az').status).toBe(0);
    expect(verify('response.receipt.p7s', 'kz').status).toBe(0);
    expect(verify('response.signed.p7s', 'kz').status).not.toBe(0);
    // #14: `mxg verify` takes any of them with no --party — a receipt as its sender's seal.
    const mxgVerify = (file: string) =>
      spawnSync(process.execPath, [MXG, 'verify', join(ROOT, dir, file)], { cwd: ROOT });
    const receipt = mxgVerify('request.receipt.p7s');
    expect(receipt.stdout.toString()).toContain("receipt (mxg-receipt/1): sealed by AZ's gateway");
    expect(receipt.stdout.toString()).toMatch(/signed at: \S+ \(the signatory's signing time\)/);
    expect(receipt.status).toBe(0);
    expect(mxgVerify('request.signed.p7s').status).toBe(0);
  }, 300_000);
});

// In this file, after the MIG demo: both start the shipped gateways on their fixed ports.
describe('npm run demo:ret: one RET claim from submission to payment (RET-3.1 … RET-4)', () => {
  it('imports the rates, carries the claim, a query and reply, the payment; saves the calculation PDF', async () => {
    const total = (
      JSON.parse(readFileSync(join(ROOT, 'examples', 'ret', 'claim.json'), 'utf8')) as {
        total: { amount: string };
      }
    ).total.amount;
    const { code, stdout, stderr } = await runDemo(join('ret', 'main.js'));
    expect(stderr).not.toContain('demo failed');
    expect(code).toBe(0);
    expect(stdout).toMatch(/KZ: NBK, \d+ rates /);
    expect(stdout).toMatch(/AZ: NBK, \d+ rates /);
    for (const [side, what, event] of [
      ['KZ', 'claim', 'claim.submitted'],
      ['AZ', 'claim', 'claim.received'],
      ['KZ', 'claim', 'receipt.received'],
      ['AZ', 'query', 'claim.queried'],
      ['KZ', 'query', 'claim.queried'],
      ['KZ', 'reply', 'claim.replied'],
      ['AZ', 'reply', 'claim.replied'],
      ['AZ', 'payment', 'claim.paid'],
      ['KZ', 'payment', 'claim.paid'],
    ]) {
      expect(stdout).toMatch(new RegExp(`${side}\\s+${what}\\s+${event.replace('.', '\\.')}`));
    }
    // RET-4: the deadline from AZ's signed receipt, on both registers, and the claim paid on both.
    const due = /its signed receipt sets the payment deadline: (\d{4}-\d{2}-\d{2})/.exec(
      stdout,
    )![1];
    expect(stdout).toMatch(/queried at KZ, queried at AZ/);
    expect(stdout).toContain(
      `listed paid on both sides (GET /claims?status=paid): KZ ${total} USD`,
    );
    expect(stdout).toMatch(new RegExp(`paid at KZ, paid at AZ — received \\S+, due ${due}, paid `));

    // RET-3.6: the calculation PDF from GET /claims/{id}/calculation, read back.
    const dir = /and the signed artefacts in (\S+)\/:/.exec(stdout)![1];
    const text = execFileSync('pdftotext', [
      '-raw',
      '-enc',
      'UTF-8',
      join(ROOT, dir, 'calculation.pdf'),
      '-',
    ])
      .toString('utf8')
      .replace(/\s+/gu, ' ');
    for (const column of CALCULATION_COLUMNS) expect(text).toContain(column.heading);
    expect(text).toContain(`${TOTAL_LABEL} ${total}`);
    expect(readFileSync(join(ROOT, dir, 'calculation.html'), 'utf8')).toContain(TOTAL_LABEL);
    const verified = spawnSync('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      join(ROOT, dir, 'claim.signed.p7s'),
      '-CAfile',
      join(ROOT, 'certs', 'kz', 'ca.cert.pem'),
      '-out',
      '/dev/null',
    ]);
    expect(verified.status).toBe(0);
  }, 300_000);
});
