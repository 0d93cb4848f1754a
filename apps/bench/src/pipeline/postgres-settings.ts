import type { Client } from 'pg';

/** The server settings the pipeline's figures depend on (#16: reported with the figures). */
export const REPORTED_POSTGRES_SETTINGS = [
  'server_version',
  'shared_buffers',
  'synchronous_commit',
  'wal_level',
  'max_wal_size',
  'checkpoint_timeout',
  'work_mem',
  'fsync',
  // #16: with it off (as a CI server may have it), nothing vacuums or analyzes the gateways'
  // tables: dead row versions pile up in the indexes the relay and the sweepers scan, and a long
  // run gets dearer by the minute for a reason no production server has.
  'autovacuum',
] as const;

/** Each reported setting as the server shows it (`128MB`, `on`, `5min`). */
export async function readPostgresSettings(client: Client): Promise<Record<string, string>> {
  const settings: Record<string, string> = {};
  for (const name of REPORTED_POSTGRES_SETTINGS) {
    const { rows } = await client.query<{ value: string }>('SELECT current_setting($1) AS value', [
      name,
    ]);
    settings[name] = rows[0].value;
  }
  return settings;
}
