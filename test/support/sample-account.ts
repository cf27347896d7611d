import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ActivityContext, snapshotContext } from '../../shared/activity/process.js';
import { type Baseline, BaselineSchema } from '../../shared/baseline/baseline.js';
import { type Config, ConfigSchema } from '../../shared/config/config.js';
import type { FindingStore } from '../../shared/findings/store.js';
import { type Snapshot, SnapshotSchema } from '../../shared/inventory/snapshot.js';

/** The bundled sample account (examples/sample-account, written by scripts/sample-account.ts). */
export function sampleAccount(): { snapshot: Snapshot; baseline: Baseline; config: Config } {
  const dir = join(import.meta.dirname, '../../examples/sample-account');
  const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
  return {
    snapshot: SnapshotSchema.parse(read('snapshot.json')),
    baseline: BaselineSchema.parse(read('baseline.json')),
    config: ConfigSchema.parse(read('trustwatch.config.json')),
  };
}

/** The watches' context for the sample account: IAM read from its snapshot, state in `store`. */
export function sampleActivityContext(store: FindingStore): ActivityContext {
  return snapshotContext(sampleAccount(), store);
}
