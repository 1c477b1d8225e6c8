import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** A running embedded PostgreSQL (PGlite) reachable by the ordinary `pg` driver over a private Unix socket. */
export interface EmbeddedPostgres {
  /** Connection options for `pg` / TypeORM's postgres driver. */
  readonly connection: { host: string; port: number; username: string; database: string };
  /** Where the data lives ('memory://' for an in-memory database). */
  readonly dataDir: string;
  stop(): Promise<void>;
}

// pg connects to `${host}/.s.PGSQL.${port}` when host is a directory, so a socket there needs no TCP port.
const SOCKET_PORT = 5432;

/** Starts PGlite on dataDir (or in memory) and serves it on a Unix socket in a fresh temporary directory. */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const inMemory = dataDir === 'memory://' || dataDir === '';
  const dir = inMemory ? 'memory://' : resolve(dataDir);
  if (!inMemory) mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(inMemory ? undefined : dir);
  const socketDir = mkdtempSync(join(tmpdir(), 'deskmetrics-pglite-'));
  // One connection: PGlite is single-session, and multiplexing several pg clients onto it would interleave their transactions.
  const server = new PGLiteSocketServer({ db, path: join(socketDir, `.s.PGSQL.${SOCKET_PORT}`), maxConnections: 1 });
  await server.start();
  let stopped = false;
  return {
    connection: { host: socketDir, port: SOCKET_PORT, username: 'postgres', database: 'postgres' },
    dataDir: dir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}
