import type { GatewayUnderTest } from './exchange-network';

/**
 * Every item of a list read page by page (#17: `limit` and the previous page's `next` as
 * `cursor`, until `next` is null), checking that no page holds more than it asked for. `path`
 * is the list's path with its filters; `key` the member holding the items.
 */
export async function pagedThrough<T>(
  gateway: GatewayUnderTest,
  client: string,
  path: string,
  key: string,
  limit = 1,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let pages = 0;
  let next: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const cursor = next === null ? '' : `&cursor=${encodeURIComponent(next)}`;
    const { status, body } = await gateway.api<Record<string, unknown>>(
      client,
      'GET',
      `${path}${separator}limit=${limit}${cursor}`,
    );
    if (status !== 200) throw new Error(`GET ${path} answered ${status}: ${JSON.stringify(body)}`);
    const page = body[key] as T[];
    if (page.length > limit) throw new Error(`a page of ${limit} held ${page.length}`);
    items.push(...page);
    pages++;
    next = body.next as string | null;
  } while (next !== null);
  return { items, pages };
}
