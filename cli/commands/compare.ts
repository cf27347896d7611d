import type { Command } from 'commander';
import { compare } from '../../shared/policy/compare.js';
import { EXIT } from '../exit.js';
import { toJson } from '../format/json.js';
import { compareMarkdown } from '../format/markdown.js';
import { compareTable } from '../format/table.js';
import { readOnePolicy } from '../input.js';
import { configOption, formatOption, useColor } from '../options.js';
import { loadConfig } from './audit.js';

const FORMATS = ['table', 'json', 'markdown'] as const;

type Options = { format: (typeof FORMATS)[number]; config?: string };

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description(
      'compare the GitHub tokens two trust policies admit, with example tokens for every difference',
    )
    .argument('<old>', 'the reviewed trust policy')
    .argument('<new>', 'the proposed trust policy')
    .addOption(formatOption(FORMATS))
    .addOption(configOption())
    .action((oldPath: string, newPath: string, options: Options) => {
      const { github } = loadConfig(options.config);
      const comparison = compare(
        readOnePolicy(oldPath).parsed.document,
        readOnePolicy(newPath).parsed.document,
        { github },
      );
      const render = {
        table: () => compareTable(comparison, { color: useColor() }),
        json: () => toJson(comparison),
        markdown: () => compareMarkdown(comparison, oldPath, newPath),
      }[options.format];
      process.stdout.write(render());
      // A widening is the finding this command exists for; incomparable includes one.
      const widens = comparison.verdict === 'wider' || comparison.verdict === 'incomparable';
      process.exitCode = widens ? EXIT.findings : EXIT.clean;
    });
}
