import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * One process per embedded data folder. PGlite keeps the whole database in its process's memory and writes it back to
 * the folder: a second process on the same folder works on a stale copy and the two overwrite each other's files
 * (corrupt indexes, a folder that no longer opens). PGlite does not check its own postmaster.pid, so this lock does.
 */

/** What the lock file says about the process holding the folder. */
export interface FolderHolder {
  pid: number;
  hostname: string;
  /** The command that holds it, e.g. 'serve' or 'import'. */
  command: string;
  startedAt: string;
  /** A `serve` process: where its HTTP server listens, and the token that lets a local import go through it. */
  server?: { url: string; localToken: string };
}

export const LOCK_FILE = 'deskmetrics.lock';

/** The data folder is held by another live process. */
export class DataFolderInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: FolderHolder,
  ) {
    super(describeHeldFolder(dataDir, holder));
    this.name = 'DataFolderInUseError';
  }
}

function describeHeldFolder(dataDir: string, holder: FolderHolder): string {
  const who = `deskmetrics ${holder.command}, process ${holder.pid}${holder.hostname !== hostname() ? ` on ${holder.hostname}` : ''}`;
  const serving = holder.server ? `, serving ${holder.server.url}` : '';
  return (
    `the embedded database in ${dataDir} is in use by ${who}${serving} since ${holder.startedAt}. ` +
    `Only one process may open an embedded data folder. Stop that process first (Ctrl-C in its terminal, or kill ${holder.pid}); ` +
    `'deskmetrics import' sends its data through a running server by itself. ` +
    `To run several processes on one database, use PostgreSQL (DATABASE_URL).`
  );
}

/** A held lock: the process may open the folder until release(). */
export interface DataFolderLock {
  readonly holder: FolderHolder;
  /** Records the server's address and local-import token in the lock (after it listens). */
  announceServer(url: string, localToken: string): void;
  release(): void;
}

function lockPath(dataDir: string): string {
  return join(dataDir, LOCK_FILE);
}

/** Reads the lock file of a data folder: undefined when there is none (or it cannot be read as a lock). */
export function readFolderHolder(dataDir: string): FolderHolder | undefined {
  return parseHolder(readText(lockPath(dataDir)));
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function parseHolder(text: string | undefined): FolderHolder | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as FolderHolder;
    return Number.isInteger(parsed.pid) && typeof parsed.hostname === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote the lock still runs (another machine's process is assumed to). */
export function isHolderAlive(holder: FolderHolder): boolean {
  if (holder.hostname !== hostname()) return true;
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes the lock file atomically: the content is complete before the name exists, and an existing lock is never replaced. */
function createExclusive(path: string, text: string): boolean {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temporary, text, { mode: 0o600 });
  try {
    linkSync(temporary, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(temporary);
  }
}

/** Replaces our own lock file's content (rename is atomic, so a reader sees the old or the new content). */
function rewrite(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

/**
 * Takes the data folder for this process, or throws DataFolderInUseError naming the live holder. A lock left by a
 * process that died (kill -9, power loss) is taken over.
 */
export function lockDataFolder(dataDir: string, command: string): DataFolderLock {
  const path = lockPath(dataDir);
  let holder: FolderHolder = { pid: process.pid, hostname: hostname(), command, startedAt: new Date().toISOString() };
  let text = JSON.stringify(holder);
  for (let attempt = 0; ; attempt++) {
    if (createExclusive(path, text)) break;
    const existingText = readText(path);
    const existing = parseHolder(existingText);
    if (existing && isHolderAlive(existing)) throw new DataFolderInUseError(dataDir, existing);
    if (attempt >= 5) throw new Error(`cannot take the lock ${path}: it keeps changing; is another process starting on ${dataDir}?`);
    if (existingText === undefined) continue;
    if (existing === undefined && attempt < 2) {
      // Unreadable content: a lock of an older format or a torn write; look once more before treating it as stale.
      continue;
    }
    // Stale: move it aside, and put it back if what we moved is not what we judged stale (another process took over first).
    const aside = `${path}.stale.${process.pid}`;
    try {
      renameSync(path, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    if (readText(aside) !== existingText) {
      try {
        linkSync(aside, path);
      } catch {
        // A third process has taken the folder meanwhile; the next attempt reads its lock.
      }
    }
    unlinkSync(aside);
  }

  const releaseOnExit = () => release();
  function release(): void {
    process.removeListener('exit', releaseOnExit);
    // Only our own lock is removed: after a takeover by mistake the file may be someone else's.
    if (readText(path) === text) unlinkSync(path);
  }
  // A process.exit() (the shutdown's deadline, a fatal error) still leaves the folder free.
  process.on('exit', releaseOnExit);
  return {
    get holder() {
      return holder;
    },
    announceServer(url: string, localToken: string) {
      holder = { ...holder, server: { url, localToken } };
      text = JSON.stringify(holder);
      rewrite(path, text);
    },
    release,
  };
}
