import type { ArchivedCrl } from '@mxg/envelope';

/** The newest of a party's archived CRLs: the highest CRL number (RFC 5280 §5.2.3), else the latest issued. */
export function newestCrl(crls: readonly ArchivedCrl[]): ArchivedCrl | undefined {
  let newest: ArchivedCrl | undefined;
  for (const crl of crls) {
    if (!newest || isNewer(crl, newest)) newest = crl;
  }
  return newest;
}

function isNewer(a: ArchivedCrl, b: ArchivedCrl): boolean {
  const [an, bn] = [a.info.crlNumber, b.info.crlNumber];
  if (an !== undefined && bn !== undefined && an !== bn) return an > bn;
  return a.info.thisUpdate.getTime() > b.info.thisUpdate.getTime();
}
