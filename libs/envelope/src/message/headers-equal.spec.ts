import canonicalize from 'canonicalize';
import { headerDifferences } from './headers-equal';
import { MESSAGE_FORMAT, type MessageHeader } from './message-header';

/** The definition: the fields whose canonical JSON differs. */
function byCanonicalJson(a: MessageHeader, b: MessageHeader): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof MessageHeader)[]);
  return [...keys].filter((k) => canonicalize(a[k]) !== canonicalize(b[k])).sort();
}

const header: MessageHeader = {
  format: MESSAGE_FORMAT,
  id: '0b7d3c1e-5f2a-4c8e-9a61-3e2f4d5c6b7a',
  type: 'response',
  agreement: 'MIG',
  from: { party: 'KZ', authority: 'KZ-MVD' },
  to: { party: 'AZ', authority: 'AZ-DMX' },
  createdAt: '2026-03-01T10:20:30.456Z',
  correlationId: '1c8e4d2f-6a3b-4d9f-8b72-4f3a5e6d7c8b',
  inReplyTo: { id: '1c8e4d2f-6a3b-4d9f-8b72-4f3a5e6d7c8b', digest: `sha256:${'ab'.repeat(32)}` },
};

describe('headerDifferences', () => {
  it('names exactly the fields whose canonical JSON differs', () => {
    const variants: MessageHeader[] = [
      header,
      { ...header },
      { ...header, id: '2d9f5e3a-7b4c-4e0a-9c83-5a4b6f7e8d9c' },
      { ...header, from: { authority: 'KZ-MVD', party: 'KZ' } }, // other member order
      { ...header, from: { party: 'KZ', authority: 'KZ-MIA' } },
      { ...header, to: { party: 'KZ', authority: 'AZ-DMX' } },
      { ...header, inReplyTo: null },
      { ...header, inReplyTo: { ...header.inReplyTo!, digest: `sha256:${'cd'.repeat(32)}` } },
      { ...header, inReplyTo: { digest: header.inReplyTo!.digest, id: header.inReplyTo!.id } },
      { ...header, from: { ...header.from, extra: undefined } as MessageHeader['from'] },
      { ...header, from: { ...header.from, extra: 'x' } as MessageHeader['from'] },
      { ...header, from: [header.from.party] as unknown as MessageHeader['from'] },
      { ...header, type: 'request', agreement: 'RET' },
      Object.fromEntries(Object.entries(header).reverse()) as MessageHeader,
    ];
    for (const a of variants) {
      for (const b of variants) {
        expect(headerDifferences(a, b)).toEqual(byCanonicalJson(a, b));
      }
    }
    expect(headerDifferences(header, variants[7])).toEqual(['inReplyTo']);
  });
});
