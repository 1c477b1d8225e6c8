/**
 * The deskmetrics processes the drill starts, kills and watches: the compiled CLI in a child process, its output kept
 * so the drill can wait for a line (a progress step, "deskmetrics is serving") and check what it printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, freePort } from '../children';

/** A running (or ended) deskmetrics child process. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** Resolves once the output matches, or rejects after `timeoutMs` or when the process ends first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** Resolves when the process has ended: its exit code, or the signal that ended it. */
  readonly ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True until the process has ended. */
  running(): boolean;
}

/** The environment of a child: ours without settings that would point it elsewhere, plus the given ones. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const k of ['DATABASE_URL', 'DATABASE_SCHEMA', 'DESKMETRICS_DATA_DIR', 'PORT', 'HOST', 'NODE_OPTIONS', 'NODE_ENV']) delete base[k];
  return { ...base, ...env };
}

/** Starts `deskmetrics <args>`. */
export function startCli(args: string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let done = false;
  const waiters = new Set<() => void>();
  const append = (d: Buffer) => {
    output += d.toString();
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
    for (const w of waiters) w();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      done = true;
      for (const w of waiters) w();
      resolve({ code, signal });
    }),
  );
  return {
    child,
    pid: child.pid!,
    output: () => output,
    ended,
    running: () => !done,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) return finish(() => resolve(match));
          if (done) finish(() => reject(new Error(`process ${child.pid} ended before printing ${pattern}:\n${output.slice(-2000)}`)));
        };
        const finish = (then: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          then();
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`no ${pattern} from process ${child.pid} within ${timeoutMs} ms:\n${output.slice(-2000)}`))),
          timeoutMs,
        );
        waiters.add(check);
        check();
      });
    },
  };
}

/** Runs `deskmetrics <args>` to its end, at most `timeoutMs` (then kills it). */
export async function runCliToEnd(
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string; seconds: number }> {
  const started = performance.now();
  const p = startCli(args, env);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  const end = await p.ended;
  clearTimeout(timer);
  return { ...end, output: p.output(), seconds: (performance.now() - started) / 1000 };
}

/** A `deskmetrics serve` on a free port of 127.0.0.1, ready (listening), with an admin key. */
export interface Server {
  process: CliProcess;
  url: string;
  key: string;
}

/**
 * Starts `deskmetrics serve` and waits until it serves. `key` is the admin key from an earlier start; an empty key store
 * gets one created and printed once (development mode).
 */
export async function startServer(env: Record<string, string>, key: string | undefined, timeoutMs = 120_000): Promise<Server> {
  const port = await freePort();
  const p = startCli(['serve'], { DESKMETRICS_DEMO: 'off', LOG_LEVEL: 'info', ...env, PORT: String(port), HOST: '127.0.0.1' });
  try {
    await p.waitFor(/deskmetrics is serving/, timeoutMs);
  } catch (err) {
    p.child.kill('SIGKILL');
    throw err;
  }
  const printed = /^ {4}(dmk_\S+)$/m.exec(p.output())?.[1];
  const adminKey = printed ?? key;
  if (!adminKey) throw new Error('the server printed no admin key and none is known');
  return { process: p, url: `http://127.0.0.1:${port}`, key: adminKey };
}

/** Kills a process with SIGKILL and waits for it to be gone. */
export async function killHard(p: CliProcess): Promise<void> {
  p.child.kill('SIGKILL');
  await p.ended;
}
