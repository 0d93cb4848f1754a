import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { findRepoRoot, loadVocabulary, MESSAGE_TYPES, type MessageType } from '@mxg/config';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_BYTES } from './attachments/attachment-kinds';
import { checkMessageBody } from './check-message-body';
import { exampleMessage, exampleNames } from './examples/example-messages';

const vocabulary = loadVocabulary(join(findRepoRoot(), 'config'));
const NOW = new Date('2026-03-01T12:00:00Z');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const example = (type: MessageType): Body => structuredClone(exampleMessage(type).body);
const sut = (type: MessageType, body: unknown) => checkMessageBody(type, body, vocabulary, NOW);
const codes = (type: MessageType, body: unknown) =>
  sut(type, body).problems.map((p) => [p.path, p.code]);

function attachment(bytes: Buffer, fields: Body = {}): Body {
  return {
    id: 'photo-1',
    kind: 'photograph',
    contentType: 'image/png',
    data: bytes.toString('base64'),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    ...fields,
  };
}

describe(checkMessageBody.name, () => {
  describe('examples/messages', () => {
    it('holds an example of every message type', () => {
      expect(exampleNames()).toEqual([...MESSAGE_TYPES].sort());
    });

    it.each([...MESSAGE_TYPES])('accepts the %s example without problems or warnings', (type) => {
      const message = exampleMessage(type);
      expect(message.type).toBe(type);
      expect(sut(type, message.body)).toEqual({ problems: [], warnings: [] });
    });
  });

  describe('strict objects: FIELD_NOT_ALLOWED with its path', () => {
    it('MIG-6: refuses personal data MIG-6 does not list, e.g. an address', () => {
      const body = example('request');
      body.persons[0].address = 'ул. Низами, 10';
      expect(sut('request', body).problems).toEqual([
        {
          path: 'body.persons[0].address',
          code: 'FIELD_NOT_ALLOWED',
          message: 'is not personal data MIG-6 allows to be exchanged',
          treaty: 'MIG-6',
        },
      ]);
    });

    it('refuses an unknown field at the top of a body, naming the type', () => {
      expect(sut('refusal', { ...example('refusal'), pad: '' }).problems).toEqual([
        expect.objectContaining({
          path: 'body.pad',
          code: 'FIELD_NOT_ALLOWED',
          message: 'is not a field of a refusal body',
        }),
      ]);
    });

    it('refuses an unknown field inside a nested object (MIG-6 registration has no street)', () => {
      const body = example('response');
      body.persons[0].registration[0].street = 'ул. Низами';
      expect(codes('response', body)).toEqual([
        ['body.persons[0].registration[0].street', 'FIELD_NOT_ALLOWED'],
      ]);
    });
  });

  describe('FIELD_REQUIRED', () => {
    it('MIG-9.2, MIG-11.2: a request states its purpose, legal basis and justification', () => {
      const body = example('request');
      delete body.purpose;
      delete body.legalBasis;
      delete body.justification;
      expect(sut('request', body).problems).toEqual([
        {
          path: 'body.purpose',
          code: 'FIELD_REQUIRED',
          message: 'required field is missing',
          treaty: 'MIG-11.2',
        },
        expect.objectContaining({ path: 'body.legalBasis', code: 'FIELD_REQUIRED' }),
        expect.objectContaining({ path: 'body.justification', code: 'FIELD_REQUIRED' }),
      ]);
    });

    it('MIG-6: a person has a surname in Cyrillic', () => {
      const body = example('request');
      delete body.persons[0].surname.cyrillic;
      expect(sut('request', body).problems).toEqual([
        expect.objectContaining({
          path: 'body.persons[0].surname.cyrillic',
          code: 'FIELD_REQUIRED',
          treaty: 'MIG-6',
        }),
      ]);
    });

    it('MIG-10.4: a refusal says whether it is partial, on which grounds and why', () => {
      expect(codes('refusal', {})).toEqual([
        ['body.partial', 'FIELD_REQUIRED'],
        ['body.grounds', 'FIELD_REQUIRED'],
        ['body.reason', 'FIELD_REQUIRED'],
      ]);
    });

    it('MIG-2: a rename gives the new names', () => {
      const body = example('authority-change-notice');
      delete body.names;
      expect(sut('authority-change-notice', body).problems).toEqual([
        expect.objectContaining({ path: 'body.names', code: 'FIELD_REQUIRED', treaty: 'MIG-2' }),
      ]);
    });
  });

  describe('VALUE_INVALID', () => {
    it('refuses a body that is not an object', () => {
      expect(codes('request', [])).toEqual([['body', 'VALUE_INVALID']]);
    });

    it('MIG-3: a topic outside config/vocabularies.yaml', () => {
      const body = { ...example('request'), topic: 'weather' };
      expect(sut('request', body).problems).toEqual([
        expect.objectContaining({ path: 'body.topic', code: 'VALUE_INVALID', treaty: 'MIG-3' }),
      ]);
    });

    it('MIG-5: a category outside the list, and an empty list', () => {
      expect(
        codes('request', { ...example('request'), categories: ['registration', 'x'] }),
      ).toEqual([['body.categories[1]', 'VALUE_INVALID']]);
      expect(codes('request', { ...example('request'), categories: [] })).toEqual([
        ['body.categories', 'VALUE_INVALID'],
      ]);
    });

    it('MIG-10.4: a refusal ground outside the treaty list', () => {
      const body = { ...example('refusal'), grounds: ['convenience'] };
      expect(sut('refusal', body).problems).toEqual([
        expect.objectContaining({ path: 'body.grounds[0]', treaty: 'MIG-10.4' }),
      ]);
    });

    it('refuses blank text and a wrong type', () => {
      expect(codes('refusal', { ...example('refusal'), reason: '  ', partial: 'yes' })).toEqual([
        ['body.partial', 'VALUE_INVALID'],
        ['body.reason', 'VALUE_INVALID'],
      ]);
    });

    it('MIG-6: a Cyrillic name form must be Cyrillic', () => {
      const body = example('request');
      body.persons[0].name.cyrillic = 'Nurlan';
      expect(codes('request', body)).toEqual([['body.persons[0].name.cyrillic', 'VALUE_INVALID']]);
    });

    it('never echoes the value it refuses', () => {
      const body = example('request');
      body.persons[0].sex = 'SECRET-VALUE';
      body.persons[0].citizenship = 'SECRET-VALUE';
      const { problems } = sut('request', body);
      expect(problems).toHaveLength(2);
      expect(JSON.stringify(problems)).not.toContain('SECRET-VALUE');
    });
  });

  describe('DATE_INVALID (MIG-6)', () => {
    it('refuses a date that is not on the calendar', () => {
      const body = example('request');
      body.persons[0].birthDate = '1990-02-30';
      expect(sut('request', body).problems).toEqual([
        {
          path: 'body.persons[0].birthDate',
          code: 'DATE_INVALID',
          message: 'must be a real calendar date YYYY-MM-DD',
          treaty: 'MIG-6',
        },
      ]);
    });

    it('accepts 29 February of a leap year only', () => {
      const body = example('request');
      body.persons[0].birthDate = '2000-02-29';
      expect(codes('request', body)).toEqual([]);
      body.persons[0].birthDate = '2001-02-29';
      expect(codes('request', body)).toEqual([['body.persons[0].birthDate', 'DATE_INVALID']]);
    });

    it('refuses a birth date after the checking gateway’s date, not on it', () => {
      const body = example('request');
      body.persons[0].birthDate = '2026-03-02';
      expect(codes('request', body)).toEqual([['body.persons[0].birthDate', 'DATE_INVALID']]);
      body.persons[0].birthDate = '2026-03-01';
      expect(codes('request', body)).toEqual([]);
    });

    it('refuses a term that ends before it begins', () => {
      const body = example('response');
      body.persons[0].registration[0].to = '2020-01-01';
      body.persons[0].residencePermit.validUntil = '2020-01-01';
      expect(codes('response', body)).toEqual([
        ['body.persons[0].residencePermit.validUntil', 'DATE_INVALID'],
        ['body.persons[0].registration[0].to', 'DATE_INVALID'],
      ]);
    });
  });

  describe('attachments (MIG-6, MIG-9.2)', () => {
    const withAttachment = (a: Body, person: Body = { photographs: ['photo-1'] }) => {
      const body = example('request');
      body.attachments = [a];
      Object.assign(body.persons[0], person);
      return body;
    };

    it('accepts a PNG photograph whose digest matches', () => {
      expect(codes('request', withAttachment(attachment(PNG)))).toEqual([]);
    });

    it('ATTACHMENT_TYPE_MISMATCH: bytes that are not the declared type', () => {
      const problems = sut('request', withAttachment(attachment(JPEG))).problems;
      expect(problems).toEqual([
        {
          path: 'body.attachments[0].data',
          code: 'ATTACHMENT_TYPE_MISMATCH',
          message: 'the bytes are image/jpeg, not the declared image/png',
          treaty: 'MIG-9.2',
        },
      ]);
    });

    it('ATTACHMENT_TYPE_MISMATCH: a type the kind does not allow (a PDF photograph)', () => {
      const pdf = Buffer.from('%PDF-1.7\n');
      const body = withAttachment(attachment(pdf, { contentType: 'application/pdf' }));
      expect(codes('request', body)).toEqual([
        ['body.attachments[0].contentType', 'ATTACHMENT_TYPE_MISMATCH'],
      ]);
    });

    it('ATTACHMENT_TYPE_MISMATCH: bytes of no known type', () => {
      expect(codes('request', withAttachment(attachment(Buffer.from('GIF89a'))))).toEqual([
        ['body.attachments[0].data', 'ATTACHMENT_TYPE_MISMATCH'],
      ]);
    });

    it('accepts an ISO 19794-2 fingerprint card referred to by a person', () => {
      const fmr = Buffer.from('FMR\0 20\0', 'latin1');
      const body = withAttachment(
        attachment(fmr, {
          id: 'prints',
          kind: 'fingerprint-card',
          contentType: 'application/x-iso-19794-2',
        }),
        { fingerprintCard: 'prints' },
      );
      delete body.persons[0].photographs;
      expect(codes('request', body)).toEqual([]);
    });

    it('ATTACHMENT_TOO_LARGE: a photograph over its kind’s limit', () => {
      const big = Buffer.concat([PNG, Buffer.alloc(MAX_ATTACHMENT_BYTES.photograph)]);
      expect(sut('request', withAttachment(attachment(big))).problems).toEqual([
        expect.objectContaining({
          path: 'body.attachments[0].data',
          code: 'ATTACHMENT_TOO_LARGE',
          message: 'a photograph may be at most 512 KiB (decoded); this one is 512 KiB',
        }),
      ]);
    });

    it('ATTACHMENT_TOO_LARGE: attachments over the message’s limit together', () => {
      const pdf = Buffer.concat([
        Buffer.from('%PDF-1.7\n'),
        Buffer.alloc(MAX_ATTACHMENT_BYTES.document - 16),
      ]);
      const body = example('request');
      body.attachments = [0, 1].map((i) =>
        attachment(pdf, { id: `doc-${i}`, kind: 'document', contentType: 'application/pdf' }),
      );
      delete body.persons[0].photographs;
      expect(2 * pdf.length).toBeGreaterThan(MAX_ATTACHMENTS_BYTES);
      expect(codes('request', body)).toEqual([['body.attachments', 'ATTACHMENT_TOO_LARGE']]);
    });

    it('ATTACHMENT_DIGEST_MISMATCH: sha256 is not the digest of the bytes', () => {
      const body = withAttachment(attachment(PNG, { sha256: '0'.repeat(64) }));
      expect(codes('request', body)).toEqual([
        ['body.attachments[0].sha256', 'ATTACHMENT_DIGEST_MISMATCH'],
      ]);
    });

    it('refuses data that is not base64, and two attachments with one id', () => {
      const body = example('request');
      body.attachments = [attachment(PNG), attachment(PNG, { data: 'not base64!' })];
      expect(codes('request', body)).toEqual([
        ['body.attachments[1].data', 'VALUE_INVALID'],
        ['body.attachments[1].id', 'VALUE_INVALID'],
      ]);
    });

    it('ATTACHMENT_REFERENCE_INVALID: a photograph naming no attachment, or one of another kind', () => {
      const body = withAttachment(
        attachment(Buffer.from('%PDF-1.7\n'), {
          id: 'scan',
          kind: 'document',
          contentType: 'application/pdf',
        }),
        { photographs: ['scan', 'missing'], fingerprintCard: 'scan' },
      );
      expect(sut('request', body).problems).toEqual([
        expect.objectContaining({
          path: 'body.persons[0].photographs[0]',
          code: 'ATTACHMENT_REFERENCE_INVALID',
          message: 'names an attachment of kind document; it must name one of kind photograph',
          treaty: 'MIG-6',
        }),
        expect.objectContaining({
          path: 'body.persons[0].photographs[1]',
          code: 'ATTACHMENT_REFERENCE_INVALID',
        }),
        expect.objectContaining({
          path: 'body.persons[0].fingerprintCard',
          code: 'ATTACHMENT_REFERENCE_INVALID',
        }),
      ]);
    });
  });

  describe('warnings never refuse', () => {
    it('LATIN_FORM_DIFFERS (MIG-6): a passport spelling other than ICAO 9303’s is accepted and flagged', () => {
      const body = example('request');
      body.persons[0].surname.latin = 'SEYTKAZIYEV';
      expect(sut('request', body)).toEqual({
        problems: [],
        warnings: [
          {
            path: 'body.persons[0].surname.latin',
            code: 'LATIN_FORM_DIFFERS',
            message:
              'differs from the ICAO 9303 transliteration of the Cyrillic form: accepted as the passport spelling',
            treaty: 'MIG-6',
          },
        ],
      });
    });

    it('TEXT_NOT_RUSSIAN (MIG-15): free text with no Cyrillic letter is flagged', () => {
      const body = { ...example('request'), summary: 'Registration data, please' };
      expect(sut('request', body)).toEqual({
        problems: [],
        warnings: [
          expect.objectContaining({
            path: 'body.summary',
            code: 'TEXT_NOT_RUSSIAN',
            treaty: 'MIG-15',
          }),
        ],
      });
    });

    it('does not count names, codes or attachment data as free text', () => {
      const { warnings } = sut('request', example('request'));
      expect(warnings).toEqual([]);
    });
  });

  it('lists every problem at once', () => {
    const body = example('request');
    delete body.summary;
    body.extra = 1;
    body.persons[0].birthDate = '1990-13-01';
    expect(codes('request', body).map(([, code]) => code)).toEqual([
      'FIELD_REQUIRED',
      'DATE_INVALID',
      'FIELD_NOT_ALLOWED',
    ]);
  });
});
