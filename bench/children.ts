/**
 * The deskmetrics processes the bench starts: `deskmetrics demo` (the load, timed), `deskmetrics keys create` and
 * `deskmetrics serve`, each the compiled CLI in a child process with DATABASE_URL and DATABASE_SCHEMA set, and each
 * preloading rss-report.js so its peak memory is known when it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/config/project-root';

export const CLI = join(projectRoot(), 'dist', 'src', 'cli', 'main.js');
/** The installed command (`npx deskmetrics`): it runs the loading commands in a child process with their own flags. */
const BIN = join(projectRoot(), 'bin', 'deskmetrics.js');
const RSS_PRELOAD = join(__dirname, 'rss-report.js');

/** The environment of a child: the bench's, minus settings that would point it elsewhere, plus the given ones. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const k of ['DATABASE_URL', 'DATABASE_SCHEMA', 'PORT', 'HOST', 'NODE_OPTIONS']) delete base[k];
  return { ...base, ...env };
}

/** A file the child's rss-report writes its peak RSS to, and its reader. */
function rssProbe(): { env: Record<string, string>; read(): number | null; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'deskmetrics-bench-'));
  const file = join(dir, 'rss.json');
  return {
    env: { BENCH_RSS_FILE: file },
    read: () => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')).maxRssBytes as number) : null),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  peakRssBytes: number | null;
}

/**
 * Runs `deskmetrics <args>` to completion. stderr is passed through to ours when `echoStderr` (the demo load's
 * progress), and kept either way.
 */
export async function runCli(args: string[], env: Record<string, string>, options: { echoStderr?: boolean } = {}): Promise<CliRun> {
  const probe = rssProbe();
  try {
    const started = performance.now();
    const child = spawn(process.execPath, ['--require', RSS_PRELOAD, BIN, ...args], {
      env: childEnv({ ...env, ...probe.env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (options.echoStderr) process.stderr.write(d);
    });
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code));
    });
    return { exitCode, stdout, stderr, seconds: (performance.now() - started) / 1000, peakRssBytes: probe.read() };
  } finally {
    probe.dispose();
  }
}

/** Creates an analyst key named `name` with `deskmetrics keys create` (in the schema `env` points at); resolves to its secret. */
export async function createAnalystKey(name: string, env: Record<string, string>): Promise<string> {
  const created = await runCli(['keys', 'create', '--name', name, '--role', 'analyst'], env);
  const key = created.stdout.trim().split('\n').pop()?.trim();
  if (created.exitCode !== 0 || !key)
    throw new Error(`deskmetrics keys create failed${env.DATABASE_SCHEMA ? ` in ${env.DATABASE_SCHEMA}` : ''}:\n${created.stderr}`);
  return key;
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A process's peak resident set size (VmHWM) from /proc, or null where there is no /proc. */
function peakRssFromProc(pid: number | undefined): number | null {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** A running `deskmetrics serve`. */
export interface ServerProcess {
  url: string;
  /** Stops it with SIGTERM (graceful shutdown) and resolves to its peak RSS. */
  stop(): Promise<{ peakRssBytes: number | null }>;
  /** What it wrote on stderr (its log), for diagnostics. */
  log(): string;
}

/** Starts `deskmetrics serve` on a free port and waits until /healthz answers 200 (or the child dies). */
export async function startServer(env: Record<string, string>, readyTimeoutMs = 15 * 60_000): Promise<ServerProcess> {
  const port = await freePort();
  const probe = rssProbe();
  const child: ChildProcess = spawn(process.execPath, ['--require', RSS_PRELOAD, CLI, 'serve'], {
    env: childEnv({ ...env, ...probe.env, PORT: String(port), HOST: '127.0.0.1' }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => {
    log += d.toString();
    if (log.length > 1_000_000) log = log.slice(-500_000);
  });
  let exited: number | null | undefined;
  const closed = new Promise<void>((resolve) =>
    child.once('close', (code) => {
      exited = code;
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited !== undefined) {
      probe.dispose();
      throw new Error(`deskmetrics serve exited (code ${exited}) before it was ready:\n${log.slice(-4000)}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) break;
    } catch {
      // Not listening yet (migrations, rollup installation).
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      probe.dispose();
      throw new Error(`deskmetrics serve was not ready after ${readyTimeoutMs / 1000} s:\n${log.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    log: () => log,
    async stop() {
      // Peak RSS from /proc while it runs (Linux): its exit report can be lost, since Apollo Server re-raises SIGTERM
      // after its own shutdown and the process then dies of the signal, without an exit event.
      const highWater = exited === undefined ? peakRssFromProc(child.pid) : null;
      if (exited === undefined) child.kill('SIGTERM');
      await closed;
      const peakRssBytes = highWater ?? probe.read();
      probe.dispose();
      return { peakRssBytes };
    },
  };
}
