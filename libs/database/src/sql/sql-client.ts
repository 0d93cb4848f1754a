/**
 * The one thing a store needs from a database connection: run a parameterised query. `pg`
 * clients and pools, TypeORM's DataSource, EntityManager and QueryRunner all fit, so a writer
 * can write inside its caller's transaction (pass its EntityManager) and the stores stay free of
 * any ORM.
 */
export interface SqlClient {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** Rows of a result, whether the client returns them bare (TypeORM) or in `.rows` (pg). */
export async function queryRows<T>(
  client: SqlClient,
  sql: string,
  parameters?: unknown[],
): Promise<T[]> {
  const result = await client.query(sql, parameters);
  if (Array.isArray(result)) return result as T[];
  if (typeof result === 'object' && result !== null && 'rows' in result) {
    return (result as { rows: T[] }).rows;
  }
  return [];
}
