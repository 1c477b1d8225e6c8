/**
 * `npm run fixtures:demo-series`: writes test/fixtures/forecasting/demo-series.json, the demo dataset's daily and
 * hourly ticket counts that `npm run accuracy` and the interval-coverage test backtest on. A test fails when the
 * committed file no longer matches the generator.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/config/project-root';
import { demoFixture } from '../src/demo/demo-series';

const file = join(projectRoot(), 'test/fixtures/forecasting/demo-series.json');
writeFileSync(file, `${JSON.stringify(demoFixture())}\n`);
console.log(`wrote ${file}`);
