import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { MESSAGE_TYPES } from './message-types';

/**
 * #10.9: what sealing adds to a message, at most: the signatory's SignedData around the
 * canonical message (its certificate, signed attributes, signature), the EnvelopedData (the
 * recipient's key-transport info, IV, AES padding) and the gateway's SignedData (the seal
 * certificate, the routing header, signature). Measured on the development PKI, the same for a
 * 600-byte and a 4 MiB message: 2.8 KB with ECDSA P-256 signatures and RSA-2048 key transport,
 * 5.8 KB with RSA-4096 for every key. 64 KiB leaves room for longer names and certificate chains.
 */
export const ENVELOPE_OVERHEAD_BYTES = 64 * 1024;

/**
 * Schemas of the files in `config/`. Every object is strict: an unknown key is an error, so a
 * misspelt field never silently falls back to a default.
 */

const isoDate = z.iso.date({
  error: (issue) =>
    issue.input === undefined ? 'required field is missing' : 'expected a calendar date YYYY-MM-DD',
});
const partyCode = z
  .string()
  .regex(/^[A-Z]{2}$/, { error: 'expected an ISO 3166-1 alpha-2 code such as KZ' });
const authorityCode = z
  .string()
  .regex(/^[A-Z]{2}-[A-Z0-9]{2,12}$/, { error: 'expected <PARTY>-<CODE>, e.g. KZ-MVD' });
const names = z.strictObject({
  // MIG-15: Russian is the working language; English is for operators and auditors.
  ru: z.string().min(1),
  en: z.string().min(1),
});
const validity = {
  validFrom: isoDate,
  validTo: isoDate.nullable().default(null),
};

const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 currency code such as KZT' });

/** RET-3.7: the body whose official exchange rates count for the party, e.g. NBK. */
const nationalBank = z.strictObject({
  code: z
    .string()
    .regex(/^[A-Z]{2,10}$/, { error: 'expected an upper-case code of 2 to 10 letters, e.g. NBK' }),
  ...names.shape,
});

export const partiesFileSchema = z.strictObject({
  parties: z
    .array(
      z.strictObject({
        code: partyCode,
        names,
        /** ISO 4217: the party's national currency (RET-3.7 rates are against it). */
        currency: currencyCode,
        nationalBank,
      }),
    )
    .min(1),
});

/** Whether the Intl time-zone database (IANA tzdata) knows `name`, e.g. `Asia/Almaty`. */
export function isIanaTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * MIG-10.3: the authority's own clock, on which its 30 days are counted. An IANA name, never an
 * offset: offsets change by law (Kazakhstan moved to +05 in 2024), names follow tzdata.
 */
const timeZone = z.string().refine(isIanaTimeZone, {
  error: 'expected an IANA time zone name such as Asia/Almaty or Asia/Baku',
});

/**
 * MIG-2: an authority's names with the date each took effect, in ascending order. A rename is a
 * new entry, so messages and audit entries from before it keep the name they were sent under.
 */
const datedNames = z
  .array(z.strictObject({ from: isoDate, ...names.shape }))
  .min(1)
  .superRefine((list, ctx) => {
    list.forEach((entry, i) => {
      const before = list[i - 1];
      if (before !== undefined && entry.from <= before.from) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'from'],
          message:
            entry.from === before.from
              ? `${entry.from} is already the date of names[${i - 1}]; one name per date`
              : `${entry.from} is before names[${i - 1}].from (${before.from}); list names oldest first`,
        });
      }
    });
  });

/** MIG-2: each competent authority has a stable code; a rename changes names, never the code. */
export const authoritiesFileSchema = z.strictObject({
  authorities: z
    .array(
      z.strictObject({
        code: authorityCode,
        party: partyCode,
        timeZone,
        names: datedNames,
        /**
         * True where the treaty's text does not name the authority (RET names none): the entry
         * stands in until the party notifies its real one.
         */
        placeholder: z.boolean().default(false),
        ...validity,
      }),
    )
    .min(1),
});

const messageTypes = z.array(z.enum(MESSAGE_TYPES)).min(1);

/**
 * The cryptographic algorithms an agreement accepts (MIG-9.1, MIG-11.4): anything else is
 * refused with ALGORITHM_NOT_ALLOWED. SHA-1, MD5, RSA below 2048 bits and PKCS#1 v1.5 key
 * transport cannot be listed at all. RSA PKCS#1 v1.5 signatures stay verifiable for national
 * PKIs that still issue them.
 */
export const SIGNATURE_ALGORITHMS = [
  'ecdsa-sha256',
  'ecdsa-sha384',
  'rsa-pss-sha256',
  'rsa-pkcs1-sha256',
] as const;
export const DIGEST_ALGORITHMS = ['sha256', 'sha384', 'sha512'] as const;
export const KEY_TRANSPORT_ALGORITHMS = ['rsa-oaep-sha256'] as const;
export const CONTENT_ENCRYPTION_ALGORITHMS = ['aes-256-cbc'] as const;
export const EC_CURVES = ['P-256', 'P-384'] as const;

const algorithmPolicy = z
  .strictObject({
    signatures: z
      .array(z.enum(SIGNATURE_ALGORITHMS))
      .min(1)
      .default([...SIGNATURE_ALGORITHMS]),
    digests: z
      .array(z.enum(DIGEST_ALGORITHMS))
      .min(1)
      .default([...DIGEST_ALGORITHMS]),
    keyTransport: z
      .array(z.enum(KEY_TRANSPORT_ALGORITHMS))
      .min(1)
      .default([...KEY_TRANSPORT_ALGORITHMS]),
    contentEncryption: z
      .array(z.enum(CONTENT_ENCRYPTION_ALGORITHMS))
      .min(1)
      .default([...CONTENT_ENCRYPTION_ALGORITHMS]),
    curves: z
      .array(z.enum(EC_CURVES))
      .min(1)
      .default([...EC_CURVES]),
    minRsaBits: z.number().int().min(2048).default(2048),
  })
  .prefault({});

const bilateralAgreement = z.strictObject({
  code: z.string().regex(/^[A-Z]{2,10}$/),
  kind: z.literal('bilateral'),
  title: names,
  parties: z.tuple([partyCode, partyCode]),
  /** MIG-17: in force from the date of the last notification. */
  inForceFrom: isoDate,
  /** MIG-17: termination takes effect 6 months after this date. */
  terminationNoticeReceived: isoDate.nullable().default(null),
  authorities: z.array(authorityCode).min(2),
  messageTypes,
  algorithms: algorithmPolicy,
});

const multilateralAgreement = z.strictObject({
  code: z.string().regex(/^[A-Z]{2,10}$/),
  kind: z.literal('multilateral'),
  title: names,
  /**
   * RET-7/8: the dates the depositary received each party's document; the date each party takes
   * part from is computed from them (`TreatyRegistry.participation`), never typed.
   */
  participants: z
    .array(
      z.strictObject({
        party: partyCode,
        /** The depositary's receipt of the party's notification (or accession document); null: none yet. */
        notificationReceived: isoDate.nullable().default(null),
        /** True when the party acceded: its document does not count towards the first three. */
        accession: z.boolean().default(false),
        /** The first day the party no longer takes part (it left); null: it has not left. */
        leftOn: isoDate.nullable().default(null),
      }),
    )
    .min(2),
  /** The first day the agreement is no longer in force for anyone (RET ends with the 2002 agreement). */
  endsOn: isoDate.nullable().default(null),
  authorities: z.array(authorityCode).default([]),
  messageTypes,
  algorithms: algorithmPolicy,
});

export const agreementsFileSchema = z.strictObject({
  agreements: z
    .array(z.discriminatedUnion('kind', [bilateralAgreement, multilateralAgreement]))
    .min(1),
});

export const signatoryId = z.string().regex(/^[a-z0-9][a-z0-9-]{2,63}$/, {
  error: 'expected a lower-case id of letters, digits and dashes',
});

/**
 * MIG-9.3: the persons each authority has authorised to sign requests. A signatory keeps every
 * certificate they were ever registered with (`certificates`, oldest first), so renewing one does
 * not break re-verification of messages signed under the older; `certificate: path` is the
 * one-certificate spelling, normalised to `certificates: [path]`.
 */
export const signatoriesFileSchema = z.strictObject({
  signatories: z.array(
    z
      .strictObject({
        id: signatoryId,
        authority: authorityCode,
        person: names,
        position: names,
        /** Path of the signatory's certificate, relative to the certificates directory. */
        certificate: z.string().min(1).optional(),
        /** Paths of every certificate of the signatory (renewals), relative to the certificates directory. */
        certificates: z.array(z.string().min(1)).min(1).optional(),
        ...validity,
      })
      .superRefine((s, ctx) => {
        if ((s.certificate === undefined) === (s.certificates === undefined)) {
          ctx.addIssue({
            code: 'custom',
            path: [s.certificate === undefined ? 'certificates' : 'certificate'],
            message: 'expected exactly one of `certificate` or `certificates`',
          });
        }
      })
      .transform(({ certificate, certificates, ...rest }) => ({
        ...rest,
        certificates: certificates ?? (certificate === undefined ? [] : [certificate]),
      })),
  ),
});

/** A client of the gateway's API: only the SHA-256 of its bearer token is ever stored. */
export const apiClientSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, {
    error: 'expected a lower-case id of letters, digits, dots and dashes',
  }),
  authority: authorityCode.nullable().default(null),
  roles: z.array(z.enum(['publisher', 'security-officer', 'auditor', 'administrator'])).min(1),
  tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, {
    error: 'expected the 64 hex digits `mxg auth token` prints',
  }),
  /**
   * MIG-9.3: the signatories of its authority this client may have the gateway sign for. A
   * JSON submission naming anyone else is refused (SIGNATORY_NOT_BOUND); none: the client can
   * only submit messages its signatories signed themselves (pre-signed CMS).
   */
  signatories: z.array(signatoryId).default([]),
});

export const clientsFileSchema = z.strictObject({ clients: z.array(apiClientSchema) });

/** The identity of the gateway this process runs: which party it speaks for. */
export const gatewayFileSchema = z.strictObject({
  party: partyCode,
  http: z.strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(1).max(65535),
    /**
     * #15: serve the API over HTTPS only, with the party's TLS server certificate
     * (certs/<party>/tls/server.*); plain HTTP is then refused. `clientCertificates: require`
     * asks national systems for a client certificate from the party's CA in addition to their
     * bearer token; peers' witness calls always need one from their own CA (mutual TLS).
     */
    tls: z
      .strictObject({
        clientCertificates: z.enum(['optional', 'require']).default('optional'),
      })
      .optional(),
  }),
  database: z.strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(1).max(65535).default(5432),
    name: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/),
    /**
     * #15: connect over TLS with `sslmode=verify-full`: the server's certificate must chain to
     * `ca` (a PEM file, relative to the repository root) and name `host`.
     */
    tls: z.strictObject({ ca: z.string().min(1) }).optional(),
  }),
  amqp: z.strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(1).max(65535).default(5672),
    vhost: z.string().min(1),
    user: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
    /**
     * #15: AMQPS to the party's own broker: its certificate must chain to the party's CA and
     * name `host`; the gateway presents its TLS client certificate (certs/<party>/tls/client.*).
     */
    tls: z.boolean().default(false),
    /**
     * #15 scale-out: the other nodes of the party's RabbitMQ cluster, tried in turn when the
     * connection to `host:port` (or the node last used) drops.
     */
    alternates: z
      .array(z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }))
      .default([]),
    /**
     * The Erlang node name of the party's development broker (`mxg-kz@localhost`), for
     * provisioning with rabbitmqctl on this machine; a production broker is provisioned by its
     * operators.
     */
    node: z.string().min(1).optional(),
  }),
  /**
   * #15: where this party's broker delivers messages for each peer party: the peer's broker,
   * reached by a RabbitMQ shovel over AMQPS with mutual TLS, logging in with the party's link
   * certificate (certs/<party>/tls/link.*, the EXTERNAL mechanism). None: the parties' vhosts
   * share one broker and are linked inside it (development).
   */
  links: z
    .array(
      z.strictObject({
        party: partyCode,
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535),
        vhost: z.string().min(1),
        /**
         * #15 scale-out: the other nodes of the peer's broker cluster; the link connects to
         * any of them (RabbitMQ picks one of the shovel's destination URIs at each connect).
         */
        alternates: z
          .array(
            z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }),
          )
          .default([]),
      }),
    )
    .default([]),
  /** How this gateway exchanges messages (issue 5); every field has a production default. */
  exchange: z
    .strictObject({
      /**
       * MIG-9.1: how far a signing time may be ahead of the receiver's clock — the clocks'
       * disagreement, nothing more. How old a seal may be is `maxEnvelopeAgeSeconds`.
       */
      maxClockSkewSeconds: z.number().int().min(1).max(86_400).default(300),
      /**
       * How long before it is submitted a message a signatory signed beforehand may have been
       * created (its header's createdAt): a working day by default. Older is stale — a replay
       * more likely than a late submission.
       */
      maxPresignedAgeSeconds: z
        .number()
        .int()
        .min(60)
        .max(30 * 86_400)
        .default(86_400),
      /**
       * How long before the sending gateway's seal a signatory may have signed the message it
       * carries (a day by default). The signing time is the signer's claim; bounding it by the
       * seal — itself bounded by the receiver's clock — keeps anyone from backdating a signature
       * to a day when a removed signatory was still on the list or a revoked certificate still
       * good (MIG-9.3). A sender refuses a pre-signed submission outside it, measured from now.
       */
      innerSigningWindowSeconds: z
        .number()
        .int()
        .min(60)
        .max(30 * 86_400)
        .default(86_400),
      /**
       * The delivery window: how old (since the sending gateway sealed it) an envelope may be
       * when it is opened here. Time queued while this gateway is down is not clock skew, so
       * this spans outages; older envelopes are refused as ENVELOPE_TOO_OLD. Replays within it
       * are harmless only because received message ids are kept at least this long (MIG-11.5
       * retention must not go below it). The sender reports `failed` only once it is over.
       */
      maxEnvelopeAgeSeconds: z
        .number()
        .int()
        .min(60)
        .max(30 * 86_400)
        .default(86_400),
      /** Re-send an envelope whose receipt has not come back in this time (doubling each try). */
      receiptTimeoutSeconds: z.number().int().min(1).default(30),
      /**
       * Publications of an envelope (the first and the re-sends). After the last, the message
       * stays `published` while the peer's delivery window can still admit it, then `failed`.
       */
      maxAttempts: z.number().int().min(1).max(100).default(6),
      /**
       * How long one content-encryption key, wrapped once for a receiving gateway, serves the
       * envelopes sent to it (the receiver then unwraps it once, not per message); 0 draws a
       * fresh key for every envelope.
       */
      contentKeyReuseSeconds: z.number().int().min(0).max(86_400).default(300),
      /** Unacknowledged deliveries the consumer holds at once. */
      prefetch: z.number().int().min(1).max(10_000).default(64),
      /** The largest submitted message (JSON or CMS) accepted, in bytes. */
      maxMessageBytes: z
        .number()
        .int()
        .min(1024)
        .max(64 * 1024 * 1024)
        .default(4 * 1024 * 1024),
      /**
       * #10.9: the largest sealed envelope (binary DER) this gateway sends or receives. A
       * delivery over it is refused before it is parsed (ENVELOPE_TOO_LARGE) and a submit whose
       * envelope would exceed it is refused (413). Defaults to `maxMessageBytes` plus
       * ENVELOPE_OVERHEAD_BYTES, and may not be set below that: every envelope made from a
       * message of `maxMessageBytes` must pass. Both parties should configure the same.
       */
      maxEnvelopeBytes: z
        .number()
        .int()
        .min(1024 + ENVELOPE_OVERHEAD_BYTES)
        .max(64 * 1024 * 1024 + 16 * ENVELOPE_OVERHEAD_BYTES)
        .optional(),
    })
    .superRefine((exchange, ctx) => {
      const least = exchange.maxMessageBytes + ENVELOPE_OVERHEAD_BYTES;
      if (exchange.maxEnvelopeBytes !== undefined && exchange.maxEnvelopeBytes < least) {
        ctx.addIssue({
          code: 'custom',
          path: ['maxEnvelopeBytes'],
          message:
            `must be at least maxMessageBytes (${exchange.maxMessageBytes}) + ${ENVELOPE_OVERHEAD_BYTES} ` +
            `bytes of certificates, signatures and encryption (${least}): a message the API accepts ` +
            `must fit in its envelope`,
        });
      }
      if (exchange.maxEnvelopeAgeSeconds < exchange.maxClockSkewSeconds) {
        ctx.addIssue({
          code: 'custom',
          path: ['maxEnvelopeAgeSeconds'],
          message: `must be at least maxClockSkewSeconds (${exchange.maxClockSkewSeconds})`,
        });
      }
      // Every copy is the same sealed envelope, as old as the first: the last one must leave
      // early enough to wait out a receiver's outage in its queue, i.e. well inside the window.
      const lastResend = lastResendSeconds(exchange);
      if (lastResend > exchange.maxEnvelopeAgeSeconds / 2) {
        ctx.addIssue({
          code: 'custom',
          path: ['maxAttempts'],
          message:
            `the last re-send would go ${lastResend} s after the first publication (receiptTimeoutSeconds ` +
            `${exchange.receiptTimeoutSeconds}, doubling, ${exchange.maxAttempts} attempts), more than half of ` +
            `maxEnvelopeAgeSeconds (${exchange.maxEnvelopeAgeSeconds}): a copy sent then may reach the receiver ` +
            `after it stops accepting the envelope; lower maxAttempts or receiptTimeoutSeconds, or widen the window`,
        });
      }
    })
    .transform((exchange) => ({
      ...exchange,
      maxEnvelopeBytes:
        exchange.maxEnvelopeBytes ?? exchange.maxMessageBytes + ENVELOPE_OVERHEAD_BYTES,
    }))
    .prefault({}),
  /** The trust list's lifecycle: CRLs fetched from their distribution points (issue #14). */
  trust: z
    .strictObject({
      /**
       * `/health` turns `degraded` when a party's newest CRL is this close to its nextUpdate, or
       * past it: revocation then soon can no longer be checked, and every check would fail.
       */
      crlStaleWarningSeconds: z
        .number()
        .int()
        .min(0)
        .max(30 * 86_400)
        .default(86_400),
    })
    .prefault({}),
  /**
   * Where this gateway's private keys are (seal, encryption, audit checkpoint, its signatories'):
   * `file` — PEM files in the certificates directory, for development — or `pkcs11`, a PKCS#11
   * token (an HSM) holding them non-extractable, found by label (`seal`, `seal.2`, `encryption`,
   * `audit-checkpoint`, `signatory.<id>`). Certificates stay files either way. The token's PIN
   * comes from the environment (MXG_PKCS11_PIN), never from this file.
   */
  keys: z
    .discriminatedUnion('store', [
      z.strictObject({ store: z.literal('file') }),
      z.strictObject({
        store: z.literal('pkcs11'),
        /** The module (shared library), e.g. /usr/lib/softhsm/libsofthsm2.so. */
        module: z.string().refine((path) => isAbsolute(path), {
          error: 'expected the absolute path of the PKCS#11 module (a .so file)',
        }),
        /** The token's label. */
        token: z.string().min(1).max(32),
        pin: z
          .never({ error: 'the PIN is never written in a file: set MXG_PKCS11_PIN instead' })
          .optional(),
      }),
    ])
    .default({ store: 'file' }),
  /** Peer gateways whose witnesses countersign this gateway's audit checkpoints (issue 4). */
  witnesses: z
    .array(
      z.strictObject({
        party: partyCode,
        url: z.url({ protocol: /^https?$/, error: 'expected an http(s):// URL' }),
      }),
    )
    .default([]),
  /**
   * API clients and their roles. Only the SHA-256 of each bearer token is configured (made by
   * `mxg auth token`), so this file never holds a credential.
   */
  clients: z.array(apiClientSchema).default([]),
});

/**
 * Seconds from an envelope's first publication to its last re-send: the waits double from
 * `receiptTimeoutSeconds`, one fewer than the attempts.
 */
export function lastResendSeconds(
  exchange: Pick<ExchangeSettings, 'receiptTimeoutSeconds' | 'maxAttempts'>,
): number {
  return exchange.receiptTimeoutSeconds * (2 ** (exchange.maxAttempts - 1) - 1);
}

export type PartiesFile = z.infer<typeof partiesFileSchema>;
export type AuthoritiesFile = z.infer<typeof authoritiesFileSchema>;
export type AgreementsFile = z.infer<typeof agreementsFileSchema>;
export type SignatoriesFile = z.infer<typeof signatoriesFileSchema>;
export type GatewayFile = z.infer<typeof gatewayFileSchema>;
export type ExchangeSettings = GatewayFile['exchange'];
/** Where a gateway's private keys are: files, or a PKCS#11 token (gateway file `keys`). */
export type KeyStoreSettings = GatewayFile['keys'];
export type AlgorithmPolicy = z.infer<typeof algorithmPolicy>;

/** What an agreement accepts when its file lists no `algorithms`. */
export function defaultAlgorithmPolicy(): AlgorithmPolicy {
  return algorithmPolicy.parse(undefined);
}

export type ApiClient = z.infer<typeof apiClientSchema>;
