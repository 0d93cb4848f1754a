import type { Request } from 'express';
import { allowedMethods } from './allowed-methods';

const route = (path: string, ...methods: string[]) => ({
  route: { path, methods: Object.fromEntries(methods.map((m) => [m, true])) },
});
const app = {
  router: {
    stack: [
      { name: 'middleware' },
      route('/messages', 'post'),
      route('/messages/:id', 'get'),
      route('/messages/:id/signed', 'get'),
      route('/inbox/:id/ack', 'post'),
      route('/audit/witness', 'post'),
      route('/audit/witness/logs/:origin', 'get'),
      route('/everything', '_all'),
    ],
  },
};
const at = (path: string) => allowedMethods({ app, path } as unknown as Request);

describe(allowedMethods.name, () => {
  it('lists the methods of every route whose pattern matches the path, HEAD with GET', () => {
    expect(at('/messages')).toEqual(['POST']);
    expect(at('/messages/')).toEqual(['POST']);
    expect(at('/messages/0b7d3c1e-5f2a-4c8e-9a61-3e2f4d5c6b7a')).toEqual(['GET', 'HEAD']);
    expect(at('/messages/x/signed')).toEqual(['GET', 'HEAD']);
    expect(at('/inbox/x/ack')).toEqual(['POST']);
    expect(at('/audit/witness/logs/mxg.kz%2Faudit')).toEqual(['GET', 'HEAD']);
  });

  it('lists nothing for a path no route has: that is a 404', () => {
    expect(at('/nothing')).toEqual([]);
    expect(at('/messages/x/y/z')).toEqual([]);
    expect(at('/inbox//ack')).toEqual([]);
    expect(at('/everything')).toEqual([]);
  });
});
