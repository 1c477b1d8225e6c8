#!/usr/bin/env -S node --max-semi-space-size=64
// A young generation of 64 MB (Node's default is 16): an import's batches then die young instead of being copied to the
// old generation, which halves its garbage collection. The same flags start the CLI in package.json's scripts.
// The CLI runs the compiled sources; `npm ci` builds them (the package's prepare script).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const entry = join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!existsSync(entry)) {
  console.error('deskmetrics is not built yet: run `npm run build` in ' + join(__dirname, '..'));
  process.exit(1);
}
require(entry).runCli(process.argv);
