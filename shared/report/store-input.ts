import type { AssumptionCount, FindingStore, StoredFinding } from '../findings/store.js';
import { assumptionWindow } from './aggregate.js';
import type { Month } from './month.js';

/** What a report reads from the state store (DynamoDB or the CLI's file): every finding, and the counters it needs. */
export async function readStore(
  store: FindingStore,
  month: Month,
): Promise<{ findings: StoredFinding[]; assumptions: AssumptionCount[] }> {
  const window = assumptionWindow(month);
  const [findings, assumptions] = await Promise.all([
    store.list(),
    store.assumptions(window.from, window.to),
  ]);
  return { findings, assumptions };
}
