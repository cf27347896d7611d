import type { Command } from 'commander';
import { UsageError } from '../exit.js';
import { rulesJson, rulesMarkdown, rulesTable, selectRules } from '../format/rules.js';
import { formatOption, useColor } from '../options.js';

const FORMATS = ['table', 'json', 'markdown'] as const;

export function registerRules(program: Command): void {
  program
    .command('rules')
    .description('list the rule catalog: severity, why each rule matters, how to fix it, references')
    .argument('[ids...]', 'only these rules, e.g. oidc.any-owner')
    .addOption(formatOption(FORMATS))
    .action((ids: string[], options: { format: (typeof FORMATS)[number] }) => {
      const { groups, unknown } = selectRules(ids);
      if (unknown.length > 0) {
        throw new UsageError(
          `no rule ${unknown.map((id) => `"${id}"`).join(', ')}: run trustwatch rules to list them`,
        );
      }
      const rules = groups.flatMap((group) => group.rules);
      const text =
        options.format === 'json'
          ? rulesJson(rules)
          : options.format === 'markdown'
            ? rulesMarkdown(groups)
            : rulesTable(rules, { color: useColor() });
      process.stdout.write(text);
    });
}
