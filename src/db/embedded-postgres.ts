import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { lockDataFolder, type DataFolderLock } from './data-folder-lock';

/** A running embedded PostgreSQL (PGlite) reachable by the ordinary `pg` driver over a private Unix socket. */
export interface EmbeddedPostgres {
  /** Connection options for `pg` / TypeORM's postgres driver. */
  readonly connection: { host: string; port: number; username: string; database: string };
  /** Where the data lives ('memory://' for an in-memory database). */
  readonly dataDir: string;
  /** This process's hold on the data folder (none in memory). */
  readonly folderLock?: DataFolderLock;
  stop(): Promise<void>;
}

// pg connects to `${host}/.s.PGSQL.${port}` when host is a directory, so a socket there needs no TCP port.
const SOCKET_PORT = 5432;

/**
 * Starts PGlite on dataDir (or in memory) and serves it on a Unix socket in a fresh temporary directory. A folder is
 * locked for this process first (DataFolderInUseError when another process has it); `command` names this process in
 * the lock, for the message another process would show.
 */
export async function startEmbeddedPostgres(dataDir: string, command = 'process'): Promise<EmbeddedPostgres> {
  const inMemory = dataDir === 'memory://' || dataDir === '';
  const dir = inMemory ? 'memory://' : resolve(dataDir);
  if (!inMemory) mkdirSync(dir, { recursive: true });
  const folderLock = inMemory ? undefined : lockDataFolder(dir, command);
  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  const socketDir = mkdtempSync(join(tmpdir(), 'deskmetrics-pglite-'));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      await server?.stop();
      await db?.close();
    } finally {
      rmSync(socketDir, { recursive: true, force: true });
      // Released only after PGlite has written the folder back: the next process must find it complete.
      folderLock?.release();
    }
  };
  try {
    db = await PGlite.create(inMemory ? undefined : dir);
    // One connection: PGlite is single-session, and multiplexing several pg clients onto it would interleave their transactions.
    server = new PGLiteSocketServer({ db, path: join(socketDir, `.s.PGSQL.${SOCKET_PORT}`), maxConnections: 1 });
    await server.start();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    connection: { host: socketDir, port: SOCKET_PORT, username: 'postgres', database: 'postgres' },
    dataDir: dir,
    folderLock,
    stop,
  };
}
