import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';

/**
 * A PostgreSQL session of its own, outside the DataSource's pool but with its connection settings (search_path,
 * application name): for a session held as long as the process runs (LISTEN, a session lock), which would otherwise
 * keep one of the pool's connections from the requests. PostgreSQL only (DATABASE_URL).
 */
export async function openDedicatedSession(dataSource: DataSource): Promise<Client> {
  const options = dataSource.options as PostgresDataSourceOptions;
  if (!options.url) throw new Error('a dedicated session needs a PostgreSQL database (DATABASE_URL)');
  const extra = (options.extra ?? {}) as { options?: string; connectionTimeoutMillis?: number };
  const client = new Client({
    connectionString: options.url,
    options: extra.options,
    application_name: options.applicationName,
    connectionTimeoutMillis: extra.connectionTimeoutMillis,
  });
  await client.connect();
  return client;
}
