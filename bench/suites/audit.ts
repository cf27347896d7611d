import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployedMemoryMb } from '../deployed-memory.js';
import {
  type BenchOptions,
  count,
  mb,
  ms,
  type SuiteResult,
  scaled,
  showSpread,
  size,
  spread,
  target,
} from '../measure.js';
import { syntheticAccount } from '../synthetic-account.js';

const CPU_TARGET_MS = 2000;

interface AuditRun {
  wallMs: number;
  readCpuMs: number;
  auditCpuMs: number;
  maxRssMb: number;
  findings: number;
}

/**
 * The audit of a large account's snapshot file, each run in a fresh process whose heap is bounded by
 * the memory the construct deploys the audit function with: read, validate, audit.
 */
export function auditSuites(options: BenchOptions): SuiteResult[] {
  const [roles, github, users] = [scaled(20_000, options), scaled(500, options), scaled(2_000, options)];
  const memoryMb = deployedMemoryMb('audit');
  const work = mkdtempSync(join(tmpdir(), 'trustwatch-bench-audit-'));
  try {
    const file = join(work, 'snapshot.json');
    writeFileSync(file, JSON.stringify(syntheticAccount(roles, github, users)));
    const runs = Array.from({ length: options.runs }, (): AuditRun => {
      const out = execFileSync(
        process.execPath,
        [`--max-old-space-size=${memoryMb}`, '--import', 'tsx', 'bench/audit-child.ts', file],
        { encoding: 'utf8' },
      );
      return JSON.parse(out) as AuditRun;
    });
    const cpu = spread(runs.map((r) => r.readCpuMs + r.auditCpuMs));
    const rss = spread(runs.map((r) => r.maxRssMb));
    const of = (pick: (r: AuditRun) => number, unit: (v: number) => string) =>
      showSpread(spread(runs.map(pick)), unit);
    return [
      {
        title: `Audit of a ${count(roles)}-role snapshot file (${count(github)} GitHub-trusted, ${count(users)} users)`,
        lines: [
          `As \`trustwatch audit --snapshot FILE\` does it: read the ${size(statSync(file).size)} file, validate it against the snapshot schema, audit it with the default configuration. Each of the ${options.runs} runs is a fresh process (TypeScript loaded through tsx) started with \`--max-old-space-size=${memoryMb}\`: the ${memoryMb} MB the construct (infra/monitor.ts) deploys the audit function with, read from the construct. That bounds the JavaScript heap only; Lambda bounds the whole process, so the peak RSS is judged against the same size.`,
          '',
          '| findings | read + validate (CPU) | audit (CPU) | total CPU | wall time | peak RSS (whole process) |',
          '|---|---|---|---|---|---|',
          `| ${count(runs[0]?.findings ?? 0)} | ${of((r) => r.readCpuMs, ms)} | ${of((r) => r.auditCpuMs, ms)} | ${showSpread(cpu, ms)} | ${of((r) => r.wallMs, ms)} | ${showSpread(rss, mb)} |`,
        ],
        targets: [
          target(
            `audit of 20,000 roles (file read and validated) within ${CPU_TARGET_MS / 1000} s of CPU`,
            'median',
            cpu,
            CPU_TARGET_MS,
            ms,
          ),
          target(
            `audit of 20,000 roles within the audit function's ${memoryMb} MB`,
            'max',
            rss,
            memoryMb,
            mb,
          ),
        ],
      },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
