#!/usr/bin/env node
// The CLI runs the compiled sources; `npm ci` builds them (the package's prepare script).
const { spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const entry = join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!existsSync(entry)) {
  console.error('deskmetrics is not built yet: run `npm run build` in ' + join(__dirname, '..'));
  process.exit(1);
}

// The commands that load data run with a young generation of 64 MB (Node's default is 16): a load's batches then die
// young instead of being promoted, which cuts its garbage collection by half. Without allocation-site pretenuring: V8
// would otherwise, after a moment when batches lived long, allocate every later row straight into the old generation,
// which then fills with dead rows (a slower load and a higher peak of memory; docs/performance.md). V8 reads
// both only at start, so these commands run in a child process started with them. Not the server: its latency tail
// grows.
const LOADING_COMMANDS = new Set(['import', 'demo', 'sync']);
const LOADING_FLAGS = ['--max-semi-space-size=64', '--no-allocation-site-pretenuring'];
// Set in the child to this process's pid: the child's database sessions are named after it (deskmetrics-<pid>).
const CHILD = 'DESKMETRICS_CLI_PID';

if (LOADING_COMMANDS.has(process.argv[2]) && !process.env[CHILD] && !process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
  const child = spawn(process.execPath, [...process.execArgv, ...LOADING_FLAGS, __filename, ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [CHILD]: String(process.pid) },
  });
  // Signals sent to this process are the command's (Ctrl-C in a terminal reaches both; the command acts on it once).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (code !== null) process.exit(code);
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  });
} else {
  if (process.env[CHILD] && process.channel) {
    // This process stops with the one that started it, killed or not, as the command would have stopped itself.
    process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
    process.channel.unref();
  }
  require(entry).runCli(process.argv);
}
