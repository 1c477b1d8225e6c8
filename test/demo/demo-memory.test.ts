import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DATASET_FILES } from '../../src/import/dataset-source';
import { demoSource } from '../../src/demo/demo-source';

// A real collection before each reading, so the figures are what is retained, not garbage waiting to be collected.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 1e6;
};

describe('memory', () => {
  it('streams 200,000 tickets without keeping records: the heap stays flat while every file is generated', () => {
    const before = heapMb();
    const source = demoSource({ tickets: 200_000, seed: 42 });
    let peak = 0;
    const rows: Record<string, number> = {};
    for (const file of DATASET_FILES) {
      let n = 0;
      for (const values of source.valuesSync(file)) {
        n++;
        if (values === undefined) throw new Error('no values');
        if (n % 250_000 === 0) peak = Math.max(peak, heapMb() - before);
      }
      rows[file] = n;
      peak = Math.max(peak, heapMb() - before);
    }
    expect(rows.tickets).toBe(200_000);
    expect(rows.messages).toBeGreaterThan(600_000);
    // Holding the records would take hundreds of MB; the generator keeps customers, agents and per-day aggregates only.
    expect(peak).toBeLessThan(40);
  });
});
