/**
 * One audit of a snapshot file in a fresh process, as `trustwatch audit --snapshot FILE` does it:
 * read the file, validate it against the snapshot schema, audit it. Prints the CPU time of each step
 * and the process's peak memory.
 */
import { readJsonFile } from '../cli/files.js';
import { runAudit } from '../shared/audit/audit.js';
import { DEFAULT_CONFIG } from '../shared/config/config.js';
import { SnapshotSchema } from '../shared/inventory/snapshot.js';

const file = process.argv[2];
if (!file) throw new Error('usage: audit-child.ts SNAPSHOT_FILE');
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const start = performance.now();
const beforeRead = process.cpuUsage();
const snapshot = readJsonFile(SnapshotSchema, file);
const readCpuMs = cpuMs(beforeRead);
const beforeAudit = process.cpuUsage();
const result = runAudit(snapshot, { config: DEFAULT_CONFIG });
const auditCpuMs = cpuMs(beforeAudit);
process.stdout.write(
  JSON.stringify({
    wallMs: performance.now() - start,
    readCpuMs,
    auditCpuMs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    findings: result.findings.length,
  }),
);
