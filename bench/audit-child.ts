/** Runs one audit of a synthetic account in a fresh process and prints its CPU time and peak memory. */
import { runAudit } from '../shared/audit/audit.js';
import { DEFAULT_CONFIG } from '../shared/config/config.js';
import { syntheticAccount } from './synthetic-account.js';

const [roles, github, users] = process.argv.slice(2).map(Number);
const snapshot = syntheticAccount(roles ?? 20_000, github ?? 500, users ?? 2_000);
const before = process.cpuUsage();
const start = performance.now();
const result = runAudit(snapshot, { config: DEFAULT_CONFIG });
const cpu = process.cpuUsage(before);
process.stdout.write(
  JSON.stringify({
    wallMs: performance.now() - start,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    findings: result.findings.length,
  }),
);
