import { exampleMessage } from '@mxg/messages';

/**
 * The example request's body (examples/messages/request.json) without its person and
 * photograph: a valid body of a couple of hundred bytes, which the benches pad to their sizes in
 * its free-text `otherInformation` (Cyrillic, so MIG-15 flags nothing).
 */
export function benchRequestBody(): Record<string, unknown> {
  const body: Record<string, unknown> = { ...exampleMessage('request').body };
  delete body.persons;
  delete body.attachments;
  return body;
}
