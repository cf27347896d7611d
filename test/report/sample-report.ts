import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileStore } from '../../shared/findings/file-store.js';
import { buildReport } from '../../shared/report/aggregate.js';
import { readReport } from '../../shared/report/json.js';
import type { Report } from '../../shared/report/model.js';
import { parseMonth } from '../../shared/report/month.js';
import { readStore } from '../../shared/report/store-input.js';
import { sampleAccount } from '../support/sample-account.js';

export const SAMPLE_DIR = join(import.meta.dirname, '../../examples/sample-account');
export const SAMPLE_STATE = join(SAMPLE_DIR, 'state.json');

/** The sample account's September report, as the function wrote it on 1 October. */
export function sampleSeptemberReport(): Report {
  const read = readReport(
    readFileSync(join(SAMPLE_DIR, 'report-2026-09.json'), 'utf8'),
    'report-2026-09.json',
  );
  if ('problem' in read) throw new Error(read.problem);
  return read;
}

/** The sample account's October report: its state, snapshot and the September report to compare with. */
export async function sampleReport(): Promise<Report> {
  const { snapshot, baseline, config } = sampleAccount();
  const month = parseMonth('2026-10');
  return buildReport({
    account: snapshot.account,
    month,
    ...(await readStore(new FileStore(SAMPLE_STATE), month)),
    snapshot,
    config,
    baseline,
    previous: sampleSeptemberReport(),
    generatedAt: '2026-11-01T06:00:00.000Z',
  });
}
