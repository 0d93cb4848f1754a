/** One check of a layer report, in the order made. */
const CHECK_SCHEMA = {
  type: 'object',
  required: ['name', 'ok', 'detail'],
  properties: {
    name: {
      type: 'string',
      enum: [
        'structure',
        'algorithms',
        'signature',
        'chain',
        'revocation',
        'key-usage',
        'signing-time',
        'signing-window',
        'seal',
        'signatory',
      ],
    },
    ok: { type: 'boolean' },
    code: { type: 'string', description: 'set when ok is false, e.g. SIGNATURE_INVALID' },
    detail: { type: 'string' },
  },
};

/** Everything learnt about one SignedData (`LayerReport` as JSON). */
const LAYER_REPORT_SCHEMA = {
  type: 'object',
  required: ['layer', 'checks', 'valid', 'inconclusive'],
  properties: {
    layer: { type: 'string', enum: ['outer', 'inner'] },
    checks: { type: 'array', items: CHECK_SCHEMA },
    valid: { type: 'boolean' },
    inconclusive: {
      type: 'boolean',
      description: 'a check could not reach a verdict (e.g. no CRL covering the signing time)',
    },
    signer: {
      type: 'object',
      properties: {
        subject: { type: 'string' },
        issuer: { type: 'string' },
        serialNumber: { type: 'string' },
        fingerprintSha256: { type: 'string' },
        notBefore: { type: 'string' },
        notAfter: { type: 'string' },
      },
    },
    signingTime: { type: 'string', format: 'date-time' },
    signatureAlgorithm: { type: 'string' },
    content: {
      type: 'object',
      description: 'the signed content, as its size and digest only',
      properties: { bytes: { type: 'integer' }, sha256: { type: 'string' } },
    },
    signatoryId: { type: 'string', description: 'the signatory matched (MIG-9.3)' },
  },
};

/** The answer of `POST /v1/signatures/verify`: `mxg verify --json`'s report, with the file's digest. */
export const SIGNATURE_CHECK_REPORT_SCHEMA = {
  type: 'object',
  required: ['valid', 'verdict', 'kind', 'at', 'report', 'sha256'],
  properties: {
    sha256: { type: 'string', description: 'SHA-256 (hex) of the signature file as sent' },
    valid: { type: 'boolean' },
    verdict: { type: 'string', enum: ['valid', 'invalid', 'could-not-check'] },
    code: { type: 'string', description: 'the code that decided the verdict; absent when valid' },
    kind: {
      type: 'string',
      enum: ['outer', 'inner', 'receipt', 'other'],
      description:
        'outer: an envelope (its seal); inner: a signatory signature over an MXG message; receipt: a gateway-sealed receipt; other: any other SignedData, tried as a signatory and as a seal',
    },
    party: { type: 'string', description: 'whose PKI issued the signer' },
    header: { type: 'object', description: 'the message header (ids, codes, times)' },
    receipt: { type: 'object', description: 'the receipt statement (ids, codes, times)' },
    at: { type: 'string', format: 'date-time', description: "this gateway's clock" },
    report: LAYER_REPORT_SCHEMA,
    alternative: { ...LAYER_REPORT_SCHEMA, description: 'kind other: the role not shown' },
  },
};
