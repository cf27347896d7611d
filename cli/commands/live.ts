import { withFindingKeyIds } from '../../shared/audit/key-names.js';
import type { Baseline } from '../../shared/baseline/baseline.js';
import type { Config } from '../../shared/config/config.js';
import { createClients, totalCalls } from '../../shared/inventory/clients.js';
import { CollectionError, type CollectProgress, collectSnapshot } from '../../shared/inventory/collect.js';
import type { Snapshot } from '../../shared/inventory/snapshot.js';
import { UsageError } from '../exit.js';
import type { AccountOptions } from './audit.js';

/**
 * Reads the live account with the standard AWS credential chain (`--profile`, `--region`,
 * AWS_ENDPOINT_URL for emulators), showing progress on a terminal and nothing when piped.
 */
export async function liveSnapshot(
  options: AccountOptions,
  config: Config,
  baseline?: Baseline,
): Promise<Snapshot> {
  const clients = createClients({
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.region ? { region: options.region } : {}),
  });
  const progress = process.stderr.isTTY ? terminalProgress() : undefined;
  try {
    const { snapshot } = await collectSnapshot(clients, progress ? { onProgress: progress.update } : {});
    progress?.update({ stage: 'naming access keys', done: 0 });
    const named = await withFindingKeyIds(clients.iam, snapshot, {
      config,
      ...(baseline ? { baseline } : {}),
    });
    progress?.done();
    if (options.verbose) {
      const calls = clients.calls.counts();
      const lines = Object.entries(calls).map(([operation, n]) => `  ${operation.padEnd(40)} ${n}`);
      process.stderr.write(`IAM and STS API calls (${totalCalls(calls)} in all):\n${lines.join('\n')}\n`);
    }
    return named;
  } catch (error) {
    progress?.done();
    // No credentials, no network, no permission to identify the account: bad input, not a crash.
    if (error instanceof CollectionError || (error as Error).name === 'CredentialsProviderError') {
      throw new UsageError(`cannot read the account: ${(error as Error).message}`);
    }
    throw error;
  }
}

/** One line on stderr, rewritten in place, for a person watching a long collection. */
function terminalProgress() {
  let last = '';
  return {
    update: (p: CollectProgress | { stage: string; done: number; total?: number }) => {
      const line = `${p.stage}: ${p.done}${p.total !== undefined ? `/${p.total}` : ''}`;
      if (line === last) return;
      last = line;
      process.stderr.write(`\r\u001b[2K${line}`);
    },
    done: () => {
      if (last !== '') process.stderr.write('\r\u001b[2K');
    },
  };
}
