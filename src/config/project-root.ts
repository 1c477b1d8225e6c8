import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder holding deskmetrics' package.json, whether running compiled (dist/…) or from sources (ts-jest). */
export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${__dirname}`);
    dir = parent;
  }
  return dir;
}
