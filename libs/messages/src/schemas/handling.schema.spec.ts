import { join } from 'node:path';
import { findRepoRoot, loadVocabulary, type MessageType } from '@mxg/config';
import { checkMessageBody } from '../check-message-body';
import { exampleMessage } from '../examples/example-messages';
import { HANDLING_RESTRICTIONS, TREATY_RESTRICTIONS } from './handling.schema';

const vocabulary = loadVocabulary(join(findRepoRoot(), 'config'));
const NOW = new Date('2026-03-01T12:00:00Z');

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const example = (type: MessageType): Body => structuredClone(exampleMessage(type).body);
const problems = (type: MessageType, body: unknown) =>
  checkMessageBody(type, body, vocabulary, NOW).problems.map((p) => [p.path, p.code, p.treaty]);

describe('purpose and handling in message bodies (MIG-11.2, MIG-11.3)', () => {
  describe('request: purpose code and legal basis', () => {
    it('takes each purpose code of config/vocabularies.yaml', () => {
      for (const { code } of vocabulary.purposes) {
        expect(problems('request', { ...example('request'), purpose: code })).toEqual([]);
      }
    });

    it('refuses a purpose that is not a code of the closed list, naming MIG-11.2', () => {
      const body = { ...example('request'), purpose: 'Проверка сведений о заявителе' };
      const [found] = checkMessageBody('request', body, vocabulary, NOW).problems;
      expect(found).toEqual({
        path: 'body.purpose',
        code: 'VALUE_INVALID',
        message: expect.stringContaining('purpose (MIG-11.2) codes in config/vocabularies.yaml'),
        treaty: 'MIG-11.2',
      });
      // The rule is named, never the value sent.
      expect(found.message).not.toContain('Проверка');
    });

    it('requires the legal basis, as text', () => {
      const without = example('request');
      delete without.legalBasis;
      expect(problems('request', without)).toEqual([
        ['body.legalBasis', 'FIELD_REQUIRED', 'MIG-9.2'],
      ]);
      expect(problems('request', { ...example('request'), legalBasis: '  ' })).toEqual([
        ['body.legalBasis', 'VALUE_INVALID', 'MIG-9.2'],
      ]);
    });

    it('keeps the justification required', () => {
      const without = example('request');
      delete without.justification;
      expect(problems('request', without)).toEqual([
        ['body.justification', 'FIELD_REQUIRED', 'MIG-9.2'],
      ]);
    });
  });

  describe('handling', () => {
    it('is required on a response', () => {
      const without = example('response');
      delete without.handling;
      expect(problems('response', without)).toEqual([
        ['body.handling', 'FIELD_REQUIRED', 'MIG-11.2'],
      ]);
    });

    it('may list no restriction: the treaty’s own hold anyway', () => {
      expect(TREATY_RESTRICTIONS).toEqual(['purpose-only', 'no-onward-transfer']);
      expect(
        problems('response', { ...example('response'), handling: { restrictions: [] } }),
      ).toEqual([]);
    });

    it('takes only the closed list of restriction codes, each once', () => {
      const body = (restrictions: unknown) => ({
        ...example('response'),
        handling: { restrictions },
      });
      expect(problems('response', body([...HANDLING_RESTRICTIONS]))).toEqual([]);
      expect(problems('response', body(['no-publication']))).toEqual([
        ['body.handling.restrictions[0]', 'VALUE_INVALID', 'MIG-11.2'],
      ]);
      expect(problems('response', body(['no-judicial-use', 'no-judicial-use']))).toEqual([
        ['body.handling.restrictions', 'VALUE_INVALID', 'MIG-11.2'],
      ]);
      expect(problems('response', body('no-judicial-use'))).toEqual([
        ['body.handling.restrictions', 'VALUE_INVALID', 'MIG-11.2'],
      ]);
    });

    it('is a strict object: free text only in conditions', () => {
      expect(
        problems('response', {
          ...example('response'),
          handling: { restrictions: [], note: 'не передавать' },
        }),
      ).toEqual([['body.handling.note', 'FIELD_NOT_ALLOWED', 'MIG-11.2']]);
    });

    it('is optional on a clarification and a notice, and checked when given', () => {
      expect(problems('clarification', example('clarification'))).toEqual([]);
      expect(problems('notice', example('notice'))).toEqual([]);
      const bad = { restrictions: ['secret'] };
      expect(problems('clarification', { ...example('clarification'), handling: bad })).toEqual([
        ['body.handling.restrictions[0]', 'VALUE_INVALID', 'MIG-11.2'],
      ]);
      expect(problems('notice', { ...example('notice'), handling: bad })).toEqual([
        ['body.handling.restrictions[0]', 'VALUE_INVALID', 'MIG-11.2'],
      ]);
    });

    it('is no field of a refusal, which carries no personal data', () => {
      expect(
        problems('refusal', { ...example('refusal'), handling: { restrictions: [] } }),
      ).toEqual([['body.handling', 'FIELD_NOT_ALLOWED', 'MIG-11.2']]);
    });
  });

  describe('handling-restriction', () => {
    it('names messages by id and at least one restriction code from the closed list', () => {
      expect(problems('handling-restriction', example('handling-restriction'))).toEqual([]);
      expect(problems('handling-restriction', { messages: [], restrictions: [] })).toEqual([
        ['body.messages', 'VALUE_INVALID', 'MIG-11.2'],
        ['body.restrictions', 'VALUE_INVALID', 'MIG-11.2'],
      ]);
      expect(
        problems('handling-restriction', {
          messages: ['not-an-id', '00000000-0000-4000-8000-000000000000'],
          restrictions: ['no-onward-transfer', 'no-sharing'],
        }),
      ).toEqual([
        ['body.messages[0]', 'VALUE_INVALID', 'MIG-11.2'],
        ['body.restrictions[1]', 'VALUE_INVALID', 'MIG-11.2'],
      ]);
    });

    it('names each message once', () => {
      const id = '00000000-0000-4000-8000-000000000000';
      expect(
        problems('handling-restriction', { messages: [id, id], restrictions: ['purpose-only'] }),
      ).toEqual([['body.messages', 'VALUE_INVALID', 'MIG-11.2']]);
    });
  });
});
