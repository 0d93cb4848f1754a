import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptCms, encryptCms, parseSignedData, signCms, verifyCmsSignature } from '@mxg/cms';
import { MxgConfigService } from '@mxg/config';
import {
  encodeMessage,
  FileKeyStore,
  FileTrustStore,
  MESSAGE_FORMAT,
  type MxgMessage,
  openEnvelope,
  routingHeaderAttribute,
  sealEnvelope,
  signatureSchemeFor,
  verifySignedLayer,
} from '@mxg/envelope';
import { initPki } from '@mxg/pki';
import { pkiPlanFromConfig } from '../../../cli/src/commands/pki-plan';
import type { Bench } from '../bench.types';
import { printTable } from '../table';

const MESSAGE_BYTES = 2048;
const IN_FLIGHT = 64;

/**
 * Seal and open of one 2 KiB message with the default algorithms (ECDSA P-256 signatures,
 * RSA-OAEP-2048 key transport, AES-256-CBC), one after another and with 64 in flight, beside
 * the cost of each primitive they are made of, so that the overhead around the crypto shows.
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
  const [signatory, seal, encryption] = await Promise.all([
    kz.signatory('kz-mvd-deputy-minister'),
    kz.seal(),
    az.encryption(),
  ]);
  const policy = treaty.agreement('MIG').algorithms;
  const message = messageOf(MESSAGE_BYTES);
  const content = encodeMessage(message);

  const sealOnce = () =>
    sealEnvelope({
      message,
      signatory,
      seal,
      recipient: encryption.certificate,
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
  const scheme = signatureSchemeFor(signatory.privateKey, policy);

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

  // What seal and open would cost if they were nothing but their primitives.
  const sealFloorUs = innerSign.usPerOp + wrap.usPerOp + outerSign.usPerOp;
  const openFloorUs = 2 * verifyLayer.usPerOp + unwrap.usPerOp;
  const row = (operation: string, m: Measured, inFlight?: Measured) => ({
    operation,
    'ops/s': m.perSecond,
    'µs/op': m.usPerOp,
    [`ops/s, ${IN_FLIGHT} in flight`]: inFlight ? inFlight.perSecond : '',
  });
  const floor = (operation: string, us: number) => ({
    operation,
    'ops/s': 1e6 / us,
    'µs/op': us,
    [`ops/s, ${IN_FLIGHT} in flight`]: '',
  });
  printTable([
    row('seal (sign, encrypt, seal)', sealSeq, sealPar),
    floor('  = sum of its primitives', sealFloorUs),
    row('open (check, decrypt, check)', openSeq, openPar),
    floor('  = sum of its primitives', openFloorUs),
    row('inner sign (ECDSA P-256)', innerSign),
    row('OAEP wrap (RSA-2048 + AES-256-CBC)', wrap),
    row('outer sign (+ routing header)', outerSign),
    row('OAEP unwrap', unwrap),
    row('decode outer SignedData', decode),
    row('verify signature only', verifySignature),
    row('verify layer (chain, CRL, signatory)', verifyLayer),
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
  };
}

interface Measured {
  readonly perSecond: number;
  readonly usPerOp: number;
}

/** Runs `op` for about `budgetMs` after a warm-up, with `inFlight` calls outstanding at once. */
async function measure(
  op: () => Promise<unknown>,
  budgetMs: number,
  inFlight: number,
): Promise<Measured> {
  for (let i = 0; i < 10; i++) await op();
  let done = 0;
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
  return { perSecond: (done * 1000) / elapsedMs, usPerOp: (elapsedMs * 1000) / done };
}

/** A MIG request whose signed (canonical) form is exactly `bytes` long. */
function messageOf(bytes: number): MxgMessage {
  const id = randomUUID();
  const base: MxgMessage = {
    header: {
      format: MESSAGE_FORMAT,
      id,
      type: 'request',
      agreement: 'MIG',
      from: { party: 'KZ', authority: 'KZ-MVD' },
      to: { party: 'AZ', authority: 'AZ-DMX' },
      createdAt: new Date().toISOString(),
      correlationId: id,
      inReplyTo: null,
    },
    body: { categories: ['registration'], purpose: 'bench', justification: '' },
  };
  const padding = bytes - encodeMessage(base).length;
  return { ...base, body: { ...base.body, justification: 'x'.repeat(padding) } };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
