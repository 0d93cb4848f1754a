/** The media types a request body may have; anything else is 415 UNSUPPORTED_MEDIA_TYPE. */
export const JSON_MEDIA_TYPE = 'application/json';
/** A DER-encoded CMS SignedData (RFC 8551 names it application/pkcs7-mime; RFC 7193 application/cms). */
export const CMS_MEDIA_TYPES: readonly string[] = ['application/pkcs7-mime', 'application/cms'];
/** RET-3.7: an official exchange rate table (`POST /rates`), UTF-8. */
export const CSV_MEDIA_TYPE = 'text/csv';
/** #17: a signature file as uploaded (`POST /v1/signatures/verify`), or with its content as a form. */
export const UPLOAD_MEDIA_TYPES: readonly string[] = [
  'application/pkcs7-signature',
  'application/octet-stream',
  'multipart/form-data',
];
export const BODY_MEDIA_TYPES: readonly string[] = [
  JSON_MEDIA_TYPE,
  ...CMS_MEDIA_TYPES,
  CSV_MEDIA_TYPE,
  ...UPLOAD_MEDIA_TYPES,
];

/** The media type of a Content-Type header without its parameters, lower-cased; '' if none. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** The charset parameter of a Content-Type header, lower-cased, if it has one. */
export function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1].toLowerCase();
}
