#!/usr/bin/env node
// The CLI runs the compiled sources; `npm ci` builds them (the package's prepare script).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const entry = join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!existsSync(entry)) {
  console.error('deskmetrics is not built yet: run `npm run build` in ' + join(__dirname, '..'));
  process.exit(1);
}
require(entry).runCli(process.argv);
