/**
 * Preloaded into the bench's child processes (`node --require dist/bench/rss-report.js …`): when the process exits,
 * writes its peak resident set size to the file named by BENCH_RSS_FILE. Portable (no /usr/bin/time needed) and it
 * measures the deskmetrics process itself, not a wrapper.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      // resourceUsage().maxRSS is in kilobytes (getrusage's ru_maxrss).
      writeFileSync(file, JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024, pid: process.pid }));
    } catch {
      // Nothing to report to: the bench then shows the peak as unknown.
    }
  });
}
