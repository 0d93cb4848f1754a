import { join } from 'node:path';
import { findRepoRoot, loadVocabulary, MESSAGE_TYPES } from '@mxg/config';
import { BODY_SCHEMA_VERSIONS, bodyJsonSchema, bodySchemaId } from './body-json-schema';

const vocabulary = loadVocabulary(join(findRepoRoot(), 'config'));

describe(bodyJsonSchema.name, () => {
  it('publishes a versioned JSON Schema with a stable $id for every type', () => {
    for (const type of MESSAGE_TYPES) {
      const sut = bodyJsonSchema(type, vocabulary);
      expect(sut).toMatchObject({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $id: bodySchemaId(type),
        version: BODY_SCHEMA_VERSIONS[type],
        type: 'object',
        additionalProperties: false,
      });
    }
    // #12: version 2 — the purpose a code, the legal basis required (MIG-11.2).
    expect(bodySchemaId('request')).toBe('urn:mxg:schema:mig:request:2');
    expect(bodySchemaId('response')).toBe('urn:mxg:schema:mig:response:2');
    expect(bodySchemaId('refusal')).toBe('urn:mxg:schema:mig:refusal:1');
    // #13: version 2 — the line-by-line calculation (RET-3.6, RET-3.7).
    expect(bodySchemaId('reimbursement-claim')).toBe('urn:mxg:schema:ret:reimbursement-claim:2');
    expect(bodySchemaId('payment-confirmation')).toBe('urn:mxg:schema:ret:payment-confirmation:2');
    expect(bodySchemaId('claim-dispute')).toBe('urn:mxg:schema:ret:claim-dispute:1');
  });

  it('enumerates the configured vocabulary (MIG-3, MIG-10.4)', () => {
    const request = bodyJsonSchema('request', vocabulary) as unknown as {
      properties: { topic: { enum: string[] }; purpose: { enum: string[] } };
      required: string[];
    };
    expect(request.properties.topic.enum).toEqual(vocabulary.topics.map((t) => t.code));
    expect(request.properties.purpose.enum).toEqual(vocabulary.purposes.map((p) => p.code));
    expect(request.required).toEqual(
      expect.arrayContaining([
        'topic',
        'categories',
        'summary',
        'purpose',
        'legalBasis',
        'justification',
      ]),
    );
    const response = bodyJsonSchema('response', vocabulary) as unknown as {
      properties: { handling: { properties: { restrictions: { items: { enum: string[] } } } } };
      required: string[];
    };
    expect(response.required).toContain('handling');
    expect(response.properties.handling.properties.restrictions.items.enum).toEqual([
      'purpose-only',
      'no-judicial-use',
      'no-onward-transfer',
    ]);
    const refusal = bodyJsonSchema('refusal', vocabulary) as unknown as {
      properties: { grounds: { items: { enum: string[] } } };
    };
    expect(refusal.properties.grounds.items.enum).toContain('public-order');
  });

  it('describes the MIG-6 person strictly, dates as calendar dates', () => {
    const request = bodyJsonSchema('request', vocabulary) as unknown as {
      properties: {
        persons: {
          items: { additionalProperties: boolean; properties: Record<string, { format?: string }> };
        };
      };
    };
    const person = request.properties.persons.items;
    expect(person.additionalProperties).toBe(false);
    expect(person.properties.birthDate?.format).toBe('date');
    expect(Object.keys(person.properties)).not.toContain('address');
  });
});
