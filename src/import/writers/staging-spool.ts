import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** The spool's file, once its first batch is appended. */
interface SpoolFile {
  dir: string;
  path: string;
  handle: FileHandle | undefined;
}

/**
 * COPY text of a file's batches kept on disk while the run's connection is busy (with the file before, or with a
 * chunk's insert), so that reading and checking records goes on meanwhile; sent through one COPY once the connection
 * is free. On disk rather than in memory, so memory stays flat whatever the file's size. The file is created by the
 * first append.
 */
export class StagingSpool {
  private bytes = 0;
  private file: Promise<SpoolFile> | undefined;

  private static async create(): Promise<SpoolFile> {
    const dir = await mkdtemp(join(tmpdir(), 'deskmetrics-spool-'));
    const path = join(dir, 'stage.copy');
    try {
      return { dir, path, handle: await open(path, 'w') };
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Appends one batch's COPY text (appends are made one after the other). */
  async append(data: Buffer): Promise<void> {
    this.file ??= StagingSpool.create();
    const file = await this.file;
    if (!file.handle) throw new Error('the staging spool is closed');
    await file.handle.write(data);
    this.bytes += data.length;
  }

  /** Sends everything appended through `COPY … FROM STDIN` (`sql`) on `client`, then removes the file. */
  async copyInto(client: PoolClient, sql: string): Promise<void> {
    if (!this.file) return;
    const file = await this.close();
    if (file && this.bytes > 0) await pipeline(createReadStream(file.path, { highWaterMark: 1 << 20 }), client.query(copyFrom(sql)));
    await this.discard();
  }

  private async close(): Promise<SpoolFile | undefined> {
    const file = await this.file?.catch(() => undefined);
    const handle = file?.handle;
    if (file) file.handle = undefined;
    await handle?.close();
    return file;
  }

  /** Removes the file (also when the run stops before sending it). */
  async discard(): Promise<void> {
    const file = await this.close().catch(() => undefined);
    if (file) await rm(file.dir, { recursive: true, force: true });
  }
}
