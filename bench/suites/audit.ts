import { execFileSync } from 'node:child_process';
import { ms, type SuiteResult } from '../measure.js';

/** The audit of a large account, in a process of its own so that its peak memory is its own. */
export function auditSuites(): SuiteResult[] {
  const [roles, github, users] = [20_000, 500, 2_000];
  const out = execFileSync(
    'npx',
    ['tsx', 'bench/audit-child.ts', String(roles), String(github), String(users)],
    {
      encoding: 'utf8',
    },
  );
  const r = JSON.parse(out) as { wallMs: number; cpuMs: number; maxRssMb: number; findings: number };
  return [
    {
      title: `Audit of a ${roles.toLocaleString('en')}-role snapshot (${github} GitHub-trusted, ${users.toLocaleString('en')} users)`,
      lines: [
        '| findings | CPU time | wall time | peak memory (whole process) |',
        '|---|---|---|---|',
        `| ${r.findings} | ${ms(r.cpuMs)} | ${ms(r.wallMs)} | ${r.maxRssMb.toFixed(0)} MB |`,
        '',
        `Targets: under 2 s CPU: ${r.cpuMs < 2000 ? 'met' : 'NOT met'}; under 256 MB: ${r.maxRssMb < 256 ? 'met' : 'NOT met'} (the Lambda size to deploy).`,
      ],
    },
  ];
}
