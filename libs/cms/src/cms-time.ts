/**
 * A CMS signing time (RFC 5652 §11.3) from its contents octets: UTCTime `YYMMDDHHMMSSZ`
 * (years 50–99 are 19xx, RFC 5280 §4.1.2.5.1) or GeneralizedTime `YYYYMMDDHHMMSSZ` — UTC,
 * with seconds, no fraction — naming an instant the calendar has. Undefined for anything else.
 *
 * asn1js reads far more, and reads it as something else: 31 February as 3 March, month 13 as
 * January of the next year, digits found anywhere in a UTCTime, a GeneralizedTime without `Z`
 * in the process's time zone (with the day of the week as the day), a fraction `.5e999` as an
 * invalid date. OpenSSL calls all of those a "Bad time value". A signature's time decides
 * whose authorisation and which certificates count (MIG-9.3), so it must be the one instant the
 * signer's bytes name — or the signature is malformed.
 */
export function readCmsTime(contents: Uint8Array, generalized: boolean): Date | undefined {
  const text = Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength).toString(
    'latin1',
  );
  const match = (generalized ? GENERALIZED_TIME : UTC_TIME).exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const fullYear = generalized ? year : year >= 50 ? 1900 + year : 2000 + year;
  const date = new Date(Date.UTC(fullYear, month - 1, day, hour, minute, second));
  // Date.UTC carries an out-of-range field into the next one (and reads years 0–99 as 19xx);
  // the fields read back differ exactly when the text names no such instant.
  date.setUTCFullYear(fullYear, month - 1, day);
  const exact =
    date.getUTCFullYear() === fullYear &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return exact ? date : undefined;
}

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
