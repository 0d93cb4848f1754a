import { HttpStatus } from '@nestjs/common';
import { MxgError } from '@mxg/core';

/** Stable codes of the transport's own refusals and start-up failures (#15). */
export const TlsErrorCode = {
  /** A plain-HTTP request to a port that serves HTTPS only (anything but the CRL). */
  HttpsRequired: 'HTTPS_REQUIRED',
  /** `clientCertificates: require` and the client presented none. */
  ClientCertificateRequired: 'TLS_CLIENT_CERTIFICATE_REQUIRED',
  /** A client certificate that does not chain to the party's CA (or is expired, or not for TLS clients). */
  ClientCertificateUntrusted: 'TLS_CLIENT_CERTIFICATE_UNTRUSTED',
  /** `http.tls` is on but a certificate or key file it needs is missing or unreadable. */
  FilesMissing: 'TLS_FILES_MISSING',
} as const;
export type TlsErrorCode = (typeof TlsErrorCode)[keyof typeof TlsErrorCode];

export const TLS_ERROR_STATUS: Readonly<Record<TlsErrorCode, number>> = {
  [TlsErrorCode.HttpsRequired]: HttpStatus.BAD_REQUEST,
  [TlsErrorCode.ClientCertificateRequired]: HttpStatus.UNAUTHORIZED,
  [TlsErrorCode.ClientCertificateUntrusted]: HttpStatus.FORBIDDEN,
  [TlsErrorCode.FilesMissing]: HttpStatus.INTERNAL_SERVER_ERROR,
};

export class TlsError extends MxgError {
  constructor(
    override readonly code: TlsErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}
