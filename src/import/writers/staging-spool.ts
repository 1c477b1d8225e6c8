import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * COPY text of a file's batches kept on disk while the run's connection is busy with the file before (its whole-file
 * insert and index builds), so that reading and checking records goes on meanwhile; sent through one COPY once the
 * connection is free. On disk rather than in memory, so memory stays flat whatever the file's size.
 */
export class StagingSpool {
  private bytes = 0;

  private constructor(
    private readonly dir: string,
    private readonly path: string,
    private handle: FileHandle | undefined,
  ) {}

  static async open(): Promise<StagingSpool> {
    const dir = await mkdtemp(join(tmpdir(), 'deskmetrics-spool-'));
    const path = join(dir, 'stage.copy');
    try {
      return new StagingSpool(dir, path, await open(path, 'w'));
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Appends one batch's COPY text. */
  async append(data: Buffer): Promise<void> {
    if (!this.handle) throw new Error('the staging spool is closed');
    await this.handle.write(data);
    this.bytes += data.length;
  }

  /** Sends everything appended through `COPY … FROM STDIN` (`sql`) on `client`, then removes the file. */
  async copyInto(client: PoolClient, sql: string): Promise<void> {
    await this.close();
    if (this.bytes > 0) await pipeline(createReadStream(this.path, { highWaterMark: 1 << 20 }), client.query(copyFrom(sql)));
    await this.discard();
  }

  private async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  /** Removes the file (also when the run stops before sending it). */
  async discard(): Promise<void> {
    await this.close().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}
