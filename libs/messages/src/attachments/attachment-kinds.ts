/** What an attachment is (MIG-6: photographs, fingerprint card; MIG-9.2: supporting documents). */
export const ATTACHMENT_KINDS = ['photograph', 'fingerprint-card', 'document'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/** Content types MXG recognises by their first bytes (see `sniffContentType`). */
export const CONTENT_TYPES = [
  'image/jpeg',
  'image/png',
  'application/pdf',
  /** ANSI/NIST-ITL 1-2011 (NIST SP 500-290), traditional encoding: a Type-1 record first. */
  'application/x-ansi-nist-itl',
  /** ISO/IEC 19794-2 finger minutiae record ("FMR"). */
  'application/x-iso-19794-2',
  /** ISO/IEC 19794-4 finger image record ("FIR"). */
  'application/x-iso-19794-4',
] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/**
 * The content types each kind may have. A fingerprint card is a biometric exchange file or a
 * scan of the paper card; a photograph is an image; a document is a PDF or a scan.
 */
export const ALLOWED_CONTENT_TYPES: Readonly<Record<AttachmentKind, readonly ContentType[]>> = {
  photograph: ['image/jpeg', 'image/png'],
  'fingerprint-card': [
    'application/x-ansi-nist-itl',
    'application/x-iso-19794-2',
    'application/x-iso-19794-4',
    'image/png',
    'image/jpeg',
  ],
  document: ['application/pdf', 'image/jpeg', 'image/png'],
};

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * The largest decoded attachment of each kind. Base64 makes bytes 4/3 as long, and a submitted
 * message may be at most `exchange.maxMessageBytes` (4 MiB by default): so every attachment of a
 * message together is capped too (`MAX_ATTACHMENTS_BYTES`, 2.5 MiB → 3.4 MB of base64), leaving
 * more than half a megabyte for the rest of the body and the request around it.
 */
export const MAX_ATTACHMENT_BYTES: Readonly<Record<AttachmentKind, number>> = {
  photograph: 512 * KIB,
  'fingerprint-card': 1 * MIB,
  document: 2 * MIB,
};
export const MAX_ATTACHMENTS_BYTES = 2.5 * MIB;
