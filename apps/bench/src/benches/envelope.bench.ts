import { randomBytes, sign, verify } from 'node:crypto';
import { benchMessage } from '../bench-request-body';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptCms, encryptCms, parseSignedData, signCms, verifyCmsSignature } from '@mxg/cms';
import { MxgConfigService } from '@mxg/config';
import {
  encodeMessage,
  FileKeyStore,
  FileTrustStore,
  openEnvelope,
  openReceipt,
  RECEIPT_FORMAT,
  type Receipt,
  routingHeaderAttribute,
  sealEnvelope,
  signatureSchemeFor,
  signReceipt,
  verifySignedLayer,
} from '@mxg/envelope';
import { initPki } from '@mxg/pki';
import { pkiPlanFromConfig } from '../../../cli/src/commands/pki-plan';
import type { Bench } from '../bench.types';
import { printTable } from '../table';
import { contentCryptoPrimitives } from '../content-crypto-primitives';
import { rawKeyPairs, type RawKeyPair } from '../raw-key-files';

const MESSAGE_BYTES = 2048;
const IN_FLIGHT = 64;
/** In flight for the threadpool (callback) form of sign/verify: what the pool can overlap. */
const POOL_IN_FLIGHT = 16;

/**
 * Seal and open of one 2 KiB message with the default algorithms (ECDSA P-256 signatures,
 * RSA-OAEP-2048 key transport, AES-256-CBC), one after another and with 64 in flight, beside
 * the cost of each primitive they are made of, so that the overhead around the crypto shows.
 * Each figure is given as wall time and as CPU time (process.cpuUsage(), user + system, so
 * libuv pool threads count too): on a machine whose cores are all busy, CPU is what limits.
 */
export const envelopeBench: Bench = {
  name: 'envelope',
  description: `seal and open a ${MESSAGE_BYTES / 1024} KiB message (triple wrap, default algorithms)`,
  async run({ quick }) {
    const certsDir = mkdtempSync(join(tmpdir(), 'mxg-bench-envelope-'));
    try {
      return await runIn(certsDir, quick ? 300 : 2000);
    } finally {
      rmSync(certsDir, { recursive: true, force: true });
    }
  },
};

async function runIn(certsDir: string, budgetMs: number): Promise<Record<string, number>> {
  const config = MxgConfigService.load({ env: { MXG_CERTS_DIR: certsDir } });
  await initPki({ certsDir, parties: pkiPlanFromConfig(config) });
  const { treaty } = config;
  const trust = new FileTrustStore(certsDir, treaty);
  const kz = new FileKeyStore(certsDir, 'KZ');
  const az = new FileKeyStore(certsDir, 'AZ');
  const [signatory, seal, [encryption]] = await Promise.all([
    kz.signatory('kz-mvd-deputy-minister'),
    kz.seal(),
    az.decryption(),
  ]);
  const policy = treaty.agreement('MIG').algorithms;
  const message = benchMessage(MESSAGE_BYTES);
  const content = encodeMessage(message);

  const sealOnce = () =>
    sealEnvelope({
      message,
      signatory,
      seal,
      recipient: encryption.certificate,
      trust,
      policy,
      signingTime: new Date(),
    });
  const sealed = await sealOnce();
  // A fresh copy each time, as from the broker, so no decoding is reused between opens.
  const openOnce = () =>
    openEnvelope(sealed.envelope.slice(), {
      self: 'AZ',
      keys: az,
      trust,
      treaty,
      now: new Date(),
      maxSkewMs: 5 * 60_000,
    });
  const enveloped = await encryptCms(
    sealed.inner,
    { certificate: encryption.certificate },
    { keyTransport: 'rsa-oaep-sha256', contentEncryption: 'aes-256-cbc' },
  );
  const scheme = signatureSchemeFor(signatory.certificate.publicKey, policy);

  const receipt: Receipt = {
    format: RECEIPT_FORMAT,
    messageId: message.header.id,
    digest: sealed.digest,
    status: 'accepted',
    code: null,
    from: 'AZ',
    to: 'KZ',
    receivedAt: new Date().toISOString(),
  };
  const azSeal = await az.seal();
  const signReceiptOnce = () => signReceipt(receipt, azSeal, policy, new Date());
  const signedReceipt = await signReceiptOnce();
  const openReceiptOnce = () =>
    openReceipt(signedReceipt.slice(), { trust, treaty, policy, now: new Date(), self: 'KZ' });

  // V8 takes seconds to finish optimising code as deep as seal and open, and until it has, its
  // compiler threads add CPU (≈ 100 µs per open) that a long-running gateway no longer pays.
  const settleUntil = performance.now() + 3 * budgetMs;
  while (performance.now() < settleUntil) {
    await sealOnce();
    await openOnce();
    await signReceiptOnce();
    await openReceiptOnce();
  }

  const seq = async (op: () => Promise<unknown>) => measure(op, budgetMs, 1);
  const sealSeq = await seq(sealOnce);
  const sealPar = await measure(sealOnce, budgetMs, IN_FLIGHT);
  const openSeq = await seq(openOnce);
  const openPar = await measure(openOnce, budgetMs, IN_FLIGHT);
  const innerSign = await seq(() =>
    signCms(content, signatory, { scheme, signingTime: new Date() }),
  );
  const wrap = await seq(() =>
    encryptCms(
      sealed.inner,
      { certificate: encryption.certificate },
      { keyTransport: 'rsa-oaep-sha256', contentEncryption: 'aes-256-cbc' },
    ),
  );
  const outerSign = await seq(() =>
    signCms(enveloped, seal, {
      scheme,
      signingTime: new Date(),
      extraAttributes: [routingHeaderAttribute(message.header)],
    }),
  );
  const unwrap = await seq(() => decryptCms(enveloped, encryption));
  // A fresh buffer each time, as from the broker: nothing decoded before is reused.
  const decode = await seq(() => Promise.resolve(parseSignedData(sealed.envelope.slice())));
  const verifySignature = await seq(() => verifyCmsSignature(sealed.inner.slice()));
  const verifyLayer = await seq(() =>
    verifySignedLayer(sealed.inner.slice(), {
      layer: 'inner',
      role: 'signatory',
      party: 'KZ',
      authority: 'KZ-MVD',
      trust,
      treaty,
      policy,
      now: new Date(),
      maxSkewMs: 5 * 60_000,
    }),
  );
  const receiptSign = await seq(signReceiptOnce);
  const receiptOpen = await seq(openReceiptOnce);

  // The raw node:crypto primitives, on inputs of the sizes a seal and an open use them on:
  // signed attributes (≈ 200 bytes with the routing header), a 32-byte content key, 2 KiB.
  const [rawSignatory, rawEncryption] = await rawKeyPairs(certsDir, [
    { party: 'KZ', key: { signatory: 'kz-mvd-deputy-minister' } },
    { party: 'AZ', key: 'encryption' },
  ]);
  const raw = rawPrimitives(rawSignatory, rawEncryption, scheme);
  const primitive = async (op: () => unknown) => seq(() => Promise.resolve(op()));
  const rawSign = await primitive(raw.sign);
  const rawSignPool = await seq(raw.signPool);
  const rawSignPoolPar = await measure(raw.signPool, budgetMs, POOL_IN_FLIGHT);
  const rawVerify = await primitive(raw.verify);
  const rawVerifyPool = await seq(raw.verifyPool);
  const rawVerifyPoolPar = await measure(raw.verifyPool, budgetMs, POOL_IN_FLIGHT);
  const rawWrap = await primitive(raw.wrap);
  const rawUnwrap = await primitive(raw.unwrap);
  const rawEncrypt = await primitive(raw.encrypt);
  const rawDecrypt = await primitive(raw.decrypt);

  // What seal and open would cost if they were nothing but their primitives.
  const sealFloorUs = innerSign.usPerOp + wrap.usPerOp + outerSign.usPerOp;
  const sealFloorCpuUs = innerSign.cpuUsPerOp + wrap.cpuUsPerOp + outerSign.cpuUsPerOp;
  const openFloorUs = 2 * verifyLayer.usPerOp + unwrap.usPerOp;
  const openFloorCpuUs = 2 * verifyLayer.cpuUsPerOp + unwrap.cpuUsPerOp;
  // …and if they were nothing but node:crypto: two signatures, a key wrap and 2 KiB of AES;
  // two verifications, a key unwrap and 2 KiB of AES.
  const sealRawUs = 2 * rawSign.usPerOp + rawWrap.usPerOp + rawEncrypt.usPerOp;
  const sealRawCpuUs = 2 * rawSign.cpuUsPerOp + rawWrap.cpuUsPerOp + rawEncrypt.cpuUsPerOp;
  const openRawUs = 2 * rawVerify.usPerOp + rawUnwrap.usPerOp + rawDecrypt.usPerOp;
  const openRawCpuUs = 2 * rawVerify.cpuUsPerOp + rawUnwrap.cpuUsPerOp + rawDecrypt.cpuUsPerOp;
  const inFlightColumn = `ops/s, ${IN_FLIGHT} in flight`;
  const inFlightCpuColumn = `CPU µs/op, ${IN_FLIGHT} in flight`;
  const row = (operation: string, m: Measured, inFlight?: Measured) => ({
    operation,
    'ops/s': m.perSecond,
    'µs/op': m.usPerOp,
    'CPU µs/op': m.cpuUsPerOp,
    [inFlightColumn]: inFlight ? inFlight.perSecond : '',
    [inFlightCpuColumn]: inFlight ? inFlight.cpuUsPerOp : '',
  });
  const floor = (operation: string, us: number, cpuUs: number) => ({
    operation,
    'ops/s': 1e6 / us,
    'µs/op': us,
    'CPU µs/op': cpuUs,
    [inFlightColumn]: '',
    [inFlightCpuColumn]: '',
  });
  printTable([
    row('seal (sign, encrypt, seal)', sealSeq, sealPar),
    floor('  = sum of its primitives', sealFloorUs, sealFloorCpuUs),
    floor('  = node:crypto alone', sealRawUs, sealRawCpuUs),
    row('open (check, decrypt, check)', openSeq, openPar),
    floor('  = sum of its primitives', openFloorUs, openFloorCpuUs),
    floor('  = node:crypto alone', openRawUs, openRawCpuUs),
    row('inner sign (ECDSA P-256)', innerSign),
    row('OAEP wrap (RSA-2048 + AES-256-CBC)', wrap),
    row('outer sign (+ routing header)', outerSign),
    row('OAEP unwrap', unwrap),
    row('decode outer SignedData', decode),
    row('verify signature only', verifySignature),
    row('verify layer (chain, CRL, signatory)', verifyLayer),
    row('sign receipt', receiptSign),
    row('open receipt (verify layer)', receiptOpen),
    row('node: ECDSA sign, sync', rawSign),
    row(`node: ECDSA sign, pool (1 / ${POOL_IN_FLIGHT} in flight)`, rawSignPool, rawSignPoolPar),
    row('node: ECDSA verify, sync', rawVerify),
    row(`node: ECDSA verify, pool (1 / ${POOL_IN_FLIGHT})`, rawVerifyPool, rawVerifyPoolPar),
    row('node: RSA-OAEP wrap', rawWrap),
    row('node: RSA-OAEP unwrap (sync only)', rawUnwrap),
    row('node: AES-256-CBC encrypt 2 KiB', rawEncrypt),
    row('node: AES-256-CBC decrypt 2 KiB', rawDecrypt),
  ]);
  return {
    messageBytes: content.length,
    envelopeBytes: sealed.envelope.length,
    sealPerSecond: round(sealSeq.perSecond),
    sealPerSecondInFlight: round(sealPar.perSecond),
    openPerSecond: round(openSeq.perSecond),
    openPerSecondInFlight: round(openPar.perSecond),
    innerSignPerSecond: round(innerSign.perSecond),
    oaepWrapPerSecond: round(wrap.perSecond),
    outerSignPerSecond: round(outerSign.perSecond),
    oaepUnwrapPerSecond: round(unwrap.perSecond),
    decodeSignedDataPerSecond: round(decode.perSecond),
    verifySignaturePerSecond: round(verifySignature.perSecond),
    verifyLayerPerSecond: round(verifyLayer.perSecond),
    ...micros('seal', sealSeq),
    sealCpuUsInFlight: round(sealPar.cpuUsPerOp),
    ...micros('open', openSeq),
    openCpuUsInFlight: round(openPar.cpuUsPerOp),
    sealFloorCpuUs: round(sealFloorCpuUs),
    openFloorCpuUs: round(openFloorCpuUs),
    sealNodeCryptoCpuUs: round(sealRawCpuUs),
    openNodeCryptoCpuUs: round(openRawCpuUs),
    ...micros('innerSign', innerSign),
    ...micros('oaepWrap', wrap),
    ...micros('outerSign', outerSign),
    ...micros('oaepUnwrap', unwrap),
    ...micros('decodeSignedData', decode),
    ...micros('verifySignature', verifySignature),
    ...micros('verifyLayer', verifyLayer),
    ...micros('receiptSign', receiptSign),
    ...micros('receiptOpen', receiptOpen),
    ...micros('nodeEcdsaSignSync', rawSign),
    ...micros('nodeEcdsaSignPool', rawSignPool),
    nodeEcdsaSignPoolCpuUsInFlight: round(rawSignPoolPar.cpuUsPerOp),
    ...micros('nodeEcdsaVerifySync', rawVerify),
    ...micros('nodeEcdsaVerifyPool', rawVerifyPool),
    nodeEcdsaVerifyPoolCpuUsInFlight: round(rawVerifyPoolPar.cpuUsPerOp),
    ...micros('nodeOaepWrap', rawWrap),
    ...micros('nodeOaepUnwrap', rawUnwrap),
    ...micros('nodeAesEncrypt', rawEncrypt),
    ...micros('nodeAesDecrypt', rawDecrypt),
  };
}

/** `<name>WallUs` and `<name>CpuUs`: wall and CPU µs per operation. */
function micros(name: string, m: Measured): Record<string, number> {
  return { [`${name}WallUs`]: round(m.usPerOp), [`${name}CpuUs`]: round(m.cpuUsPerOp) };
}

/** node:crypto alone: each operation as a seal or an open runs it, and nothing around it. */
function rawPrimitives(
  signer: RawKeyPair,
  recipient: RawKeyPair,
  scheme: ReturnType<typeof signatureSchemeFor>,
) {
  const hash = scheme.endsWith('384') ? 'sha384' : 'sha256';
  const attributes = randomBytes(200);
  const signKey = { key: signer.privateKey, dsaEncoding: 'der' as const };
  const verifyKey = { key: signer.certificate.publicKey, dsaEncoding: 'der' as const };
  const signature = sign(hash, attributes, signKey);
  return {
    sign: () => sign(hash, attributes, signKey),
    signPool: () =>
      new Promise<Buffer>((resolve, reject) =>
        sign(hash, attributes, signKey, (e, s) => (e ? reject(e) : resolve(s))),
      ),
    verify: () => verify(hash, attributes, verifyKey, signature),
    verifyPool: () =>
      new Promise<boolean>((resolve, reject) =>
        verify(hash, attributes, verifyKey, signature, (e, ok) => (e ? reject(e) : resolve(ok))),
      ),
    ...contentCryptoPrimitives(
      { publicKey: recipient.certificate.publicKey, privateKey: recipient.privateKey },
      MESSAGE_BYTES,
    ),
  };
}

interface Measured {
  readonly perSecond: number;
  /** Wall time per operation. */
  readonly usPerOp: number;
  /** CPU time (user + system, every thread of the process) per operation. */
  readonly cpuUsPerOp: number;
}

/** Runs `op` for about `budgetMs` after a warm-up, with `inFlight` calls outstanding at once. */
async function measure(
  op: () => Promise<unknown>,
  budgetMs: number,
  inFlight: number,
): Promise<Measured> {
  // Warm up for a quarter of the budget (at least 10 calls), so that what is measured is the
  // steady state of a long-running gateway: V8 keeps optimising for a while, on its own
  // threads, whose CPU process.cpuUsage() would otherwise count against the operation.
  const warmUntil = performance.now() + budgetMs / 4;
  for (let i = 0; i < 10 || performance.now() < warmUntil; i++) await op();
  let done = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + budgetMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      await op();
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsedMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return {
    perSecond: (done * 1000) / elapsedMs,
    usPerOp: (elapsedMs * 1000) / done,
    cpuUsPerOp: (used.user + used.system) / done,
  };
}

/** A MIG request whose signed (canonical) form is exactly `bytes` long. */
function round(n: number): number {
  return Math.round(n * 10) / 10;
}
