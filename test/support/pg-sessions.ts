import { Client } from 'pg';

/**
 * Two sessions for tests that hold a lock while watching another process: one holds the lock in an open transaction,
 * the other watches pg_stat_activity (read once per transaction, so the holder would keep seeing its first look).
 */
export interface LockSessions {
  holder: Client;
  /** How many sessions of process `pid` (named deskmetrics-<pid>) match an SQL condition on pg_stat_activity. */
  sessionsOf(pid: number, condition: string): Promise<number>;
  /** Ends the holder's transaction, drops the test's schema and closes both sessions. */
  end(schema: string): Promise<void>;
}

export async function lockSessions(): Promise<LockSessions> {
  const holder = new Client({ connectionString: process.env.DATABASE_URL });
  const observer = new Client({ connectionString: process.env.DATABASE_URL });
  await holder.connect();
  await observer.connect();
  return {
    holder,
    async sessionsOf(pid, condition) {
      const { rows } = await observer.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND ${condition}`, [
        `deskmetrics-${pid}`,
      ]);
      return Number(rows[0].n);
    },
    async end(schema) {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await holder.end();
      await observer.end();
    },
  };
}
