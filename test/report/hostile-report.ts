import { DEFAULT_CONFIG } from '../../shared/config/config.js';
import { buildReport } from '../../shared/report/aggregate.js';
import { parseMonth } from '../../shared/report/month.js';
import { ACCOUNT, count, finding } from './build.js';

/** A month whose names and subjects try to break out of HTML, Markdown and Slack text; no snapshot. */
const HOSTILE = '<script>alert(1)</script>|`x`';
export const hostileReport = () =>
  buildReport({
    account: ACCOUNT,
    month: parseMonth('2026-10'),
    findings: [
      finding({
        resource: HOSTILE,
        title: '<img src=x onerror=alert(1)>',
        firstSeen: '2026-10-02T00:00:00Z',
      }),
    ],
    assumptions: [count(HOSTILE, `repo:acme/${HOSTILE}:ref:refs/heads/main`, '2026-10-02', 0, 2)],
    config: DEFAULT_CONFIG,
    generatedAt: '2026-11-01T06:00:00Z',
  });
