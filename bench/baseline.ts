import { execFileSync } from 'node:child_process';

/** Milliseconds this machine takes for the fixed reference workload, in a fresh process. */
export function baselineMs(): number {
  const out = execFileSync(process.execPath, ['bench/baseline-workload.mjs'], { encoding: 'utf8' });
  return (JSON.parse(out) as { ms: number }).ms;
}
