import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID, type KeyObject, type X509Certificate } from 'node:crypto';
import { signerFromKeyObject } from '@mxg/cms';
import { MxgConfigService } from '@mxg/config';
import {
  FileKeyStore,
  FileTrustStore,
  MESSAGE_FORMAT,
  type MxgMessage,
  type SigningKey,
} from '@mxg/envelope';
import { exampleMessage } from '@mxg/messages';
import { initPki } from '@mxg/pki';
import { pkiPlanFromConfig } from '../../apps/cli/src/commands/pki-plan';

export interface PkiFixture {
  readonly certsDir: string;
  readonly config: MxgConfigService;
  readonly trust: FileTrustStore;
  keys(party: string): FileKeyStore;
  /** A fresh trust store, after the test changed files (e.g. revoked a certificate). */
  reloadTrust(): FileTrustStore;
  cleanup(): void;
}

/**
 * The development PKI for the shipped configuration (KZ and AZ gateways, their signatories),
 * issued by the project's own `initPki` into a temporary directory.
 */
export async function createPkiFixture(
  options: { signingAlgorithm?: 'ecdsa-p256' | 'rsa-2048' } = {},
): Promise<PkiFixture> {
  const certsDir = mkdtempSync(join(tmpdir(), 'mxg-pki-fixture-'));
  const config = MxgConfigService.load({ env: { MXG_CERTS_DIR: certsDir } });
  await initPki({
    certsDir,
    parties: pkiPlanFromConfig(config),
    signingAlgorithm: options.signingAlgorithm,
  });
  return {
    certsDir,
    config,
    trust: new FileTrustStore(certsDir, config.treaty),
    keys: (party) => new FileKeyStore(certsDir, party),
    reloadTrust: () => new FileTrustStore(certsDir, config.treaty),
    cleanup: () => rmSync(certsDir, { recursive: true, force: true }),
  };
}

/** A key a test issued itself (a stranger, a lapsed signatory) as a key store hands keys out. */
export function signingKeyOf(certificate: X509Certificate, privateKey: KeyObject): SigningKey {
  const signer = signerFromKeyObject(certificate, privateKey);
  return { certificate, sign: (data, scheme) => signer.sign(data, scheme) };
}

/** The example MIG-5 request (examples/messages/request.json) from Kazakhstan's MVD to Azerbaijan's State Migration Service. */
export function migRequest(
  createdAt: Date,
  overrides: Partial<MxgMessage['header']> = {},
): MxgMessage {
  const id = randomUUID();
  return {
    header: {
      format: MESSAGE_FORMAT,
      id,
      type: 'request',
      agreement: 'MIG',
      from: { party: 'KZ', authority: 'KZ-MVD' },
      to: { party: 'AZ', authority: 'AZ-DMX' },
      createdAt: createdAt.toISOString(),
      correlationId: id,
      inReplyTo: null,
      ...overrides,
    },
    body: exampleMessage('request').body,
  };
}
