import { join } from 'node:path';
import { findRepoRoot, loadVocabulary } from '@mxg/config';
import { checkMessage } from './check-message';
import { exampleMessage } from './examples/example-messages';

const vocabulary = loadVocabulary(join(findRepoRoot(), 'config'));
const NOW = new Date('2026-03-01T12:00:00Z');
const sut = (json: unknown) => checkMessage(json, vocabulary, NOW);

describe(checkMessage.name, () => {
  it('accepts an example in the shape POST /messages takes', () => {
    expect(sut(exampleMessage('request'))).toEqual({
      form: 'submission',
      type: 'request',
      problems: [],
      warnings: [],
    });
  });

  it('checks a whole {header, body} message by its header’s type', () => {
    const { body } = exampleMessage('refusal');
    const header = { type: 'refusal', inReplyTo: { id: 'x', digest: 'y' } };
    expect(sut({ header, body })).toMatchObject({ form: 'message', type: 'refusal', problems: [] });
    expect(sut({ header, body: { ...body, extra: true } }).problems).toEqual([
      expect.objectContaining({ path: 'body.extra', code: 'FIELD_NOT_ALLOWED' }),
    ]);
  });

  it('MIG-8: an answer names the message it answers', () => {
    const refusal: Record<string, unknown> = { ...exampleMessage('refusal') };
    delete refusal.inReplyTo;
    expect(sut(refusal).problems).toEqual([
      expect.objectContaining({ path: 'inReplyTo', code: 'FIELD_REQUIRED', treaty: 'MIG-8' }),
    ]);
  });

  it('refuses fields POST /messages does not take, and says a missing body once', () => {
    const request: Record<string, unknown> = { ...exampleMessage('request'), priority: 'high' };
    delete request.body;
    expect(sut(request).problems).toEqual([
      expect.objectContaining({ path: 'body', code: 'FIELD_REQUIRED' }),
      expect.objectContaining({ path: 'priority', code: 'FIELD_NOT_ALLOWED' }),
    ]);
  });

  it('checks no body for an unknown type', () => {
    expect(sut({ ...exampleMessage('request'), type: 'gossip' })).toMatchObject({
      type: undefined,
      problems: [expect.objectContaining({ path: 'type', code: 'VALUE_INVALID' })],
    });
  });
});
