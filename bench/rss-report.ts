/**
 * Preloaded into the bench's child processes (`node --require dist/bench/rss-report.js …`): when the process exits,
 * writes its peak resident set size to the file named by BENCH_RSS_FILE. Portable (no /usr/bin/time needed) and it
 * measures the deskmetrics processes themselves, not a wrapper such as /usr/bin/time.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      // resourceUsage().maxRSS is in kilobytes (getrusage's ru_maxrss). The largest of the processes that report to the
      // file is kept: bin/deskmetrics.js runs a loading command in a child process, which inherits the preload.
      const maxRssBytes = process.resourceUsage().maxRSS * 1024;
      let earlier = 0;
      try {
        earlier = (JSON.parse(readFileSync(file, 'utf8')) as { maxRssBytes: number }).maxRssBytes;
      } catch {
        // No report yet.
      }
      if (maxRssBytes > earlier) writeFileSync(file, JSON.stringify({ maxRssBytes, pid: process.pid }));
    } catch {
      // Nothing to report to: the bench then shows the peak as unknown.
    }
  });
}
