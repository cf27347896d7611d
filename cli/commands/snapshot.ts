import type { Command } from 'commander';
import { writeTextFile } from '../files.js';
import { type AccountOptions, accountOptions, loadConfig, loadSnapshot } from './audit.js';

export function registerSnapshot(program: Command): void {
  accountOptions(program.command('snapshot'))
    .description('write what the live account looks like (roles, OIDC providers, users and keys) to a file')
    .requiredOption('--out <file>', 'where to write the snapshot')
    .action(async (options: AccountOptions & { out: string }) => {
      const snapshot = await loadSnapshot({ ...options, snapshot: undefined }, loadConfig(options.config));
      writeTextFile(options.out, `${JSON.stringify(snapshot, null, 2)}\n`);
      process.stderr.write(
        `wrote ${options.out}: ${snapshot.roles.length} roles, ${snapshot.users.length} users${snapshot.gaps.length > 0 ? `, ${snapshot.gaps.length} gaps` : ''}\n`,
      );
    });
}
