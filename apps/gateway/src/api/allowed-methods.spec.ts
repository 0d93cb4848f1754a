import { allowedMethods, pathOf, type RouteEntry } from './allowed-methods';

const routes: RouteEntry[] = [
  { method: 'POST', url: '/messages' },
  { method: 'GET', url: '/messages/:id' },
  { method: ['GET', 'HEAD'], url: '/messages/:id/signed' },
  { method: 'POST', url: '/inbox/:id/ack' },
  { method: 'POST', url: '/audit/witness' },
  { method: 'GET', url: '/audit/witness/logs/:origin' },
  { method: 'GET', url: '/docs/*' },
];
const at = (path: string) => allowedMethods(routes, path);

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
    expect(at('/docs/swagger-ui.css')).toEqual([]);
  });
});

describe(pathOf.name, () => {
  it('drops the query, and only the query', () => {
    expect(pathOf('/inbox?after=x&limit=2')).toBe('/inbox');
    expect(pathOf('/inbox')).toBe('/inbox');
    expect(pathOf('/a%3Fb?c')).toBe('/a%3Fb');
  });
});
