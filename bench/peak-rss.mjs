// Preloaded into a measured child process: writes its peak resident set size and CPU time where asked.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const usage = process.resourceUsage();
  writeFileSync(
    process.env.TRUSTWATCH_BENCH_USAGE_FILE,
    JSON.stringify({ maxRssKb: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }),
  );
});
