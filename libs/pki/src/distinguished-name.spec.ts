import { gatewaySubject, rootCaSubject, signatorySubject, toX509Name } from './distinguished-name';
import { x509 } from './x509-provider';

function attributes(name: x509.Name): [string, string][] {
  return name.toJSON().map((rdn) => {
    const [[type, values]] = Object.entries(rdn) as [[string, string[]]];
    return [type, values[0] ?? ''];
  });
}

describe(toX509Name.name, () => {
  it('orders attributes C, O, OU, title, CN and skips absent ones', () => {
    const name = toX509Name({
      commonName: 'Aigerim Bekova',
      title: 'Head of Service',
      organization: 'Migration Service',
      country: 'KZ',
    });
    expect(attributes(name)).toEqual([
      ['C', 'KZ'],
      ['O', 'Migration Service'],
      ['T', 'Head of Service'],
      ['CN', 'Aigerim Bekova'],
    ]);
  });

  it('keeps commas, quotes, a leading # and non-ASCII text literal', () => {
    const tricky = '#41, "Ministry", CN=Evil';
    const name = toX509Name({ organization: tricky, commonName: 'Әйгерім' });
    expect(attributes(name)).toEqual([
      ['O', tricky],
      ['CN', 'Әйгерім'],
    ]);
  });

  it('refuses empty attribute values', () => {
    expect(() => toX509Name({ organization: ' ', commonName: 'x' })).toThrow(
      'PKI_INVALID_REQUEST: subject organization must not be empty',
    );
  });
});

describe(rootCaSubject.name, () => {
  it('names the party root CA, with C only for two-letter country codes', () => {
    expect(rootCaSubject('KZ')).toEqual({
      country: 'KZ',
      organization: 'MXG development PKI (KZ)',
      commonName: 'MXG KZ Root CA',
    });
    expect(rootCaSubject('CIS').country).toBeUndefined();
  });
});

describe(gatewaySubject.name, () => {
  it('puts gateway certificates in the MXG gateway unit', () => {
    expect(gatewaySubject('AZ', 'seal')).toEqual({
      country: 'AZ',
      organization: 'MXG development PKI (AZ)',
      organizationalUnit: 'MXG gateway',
      commonName: 'MXG AZ gateway seal',
    });
    expect(gatewaySubject('AZ', 'audit-checkpoint').commonName).toBe(
      'MXG AZ gateway audit checkpoint',
    );
  });
});

describe(signatorySubject.name, () => {
  it('names the signatory within their authority', () => {
    const subject = signatorySubject('KZ', {
      id: 'kz-1',
      authorityCode: 'KZ-MVD',
      authorityNameEn: 'Migration Service',
      commonName: 'Nurlan Sadykov',
    });
    expect(subject).toEqual({
      country: 'KZ',
      organization: 'Migration Service',
      organizationalUnit: 'KZ-MVD',
      title: undefined,
      commonName: 'Nurlan Sadykov',
    });
  });
});
