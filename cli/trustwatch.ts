#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { ComplexityError } from '../shared/policy/cells.js';
import { visibleText } from '../shared/report/visible-text.js';
import { registerActivity } from './commands/activity.js';
import { registerAudit } from './commands/audit.js';
import { registerBaseline } from './commands/baseline.js';
import { registerCompare } from './commands/compare.js';
import { registerDemo } from './commands/demo.js';
import { registerDiff } from './commands/diff.js';
import { registerEvents } from './commands/events.js';
import { registerExplain } from './commands/explain.js';
import { registerGitHub } from './commands/github.js';
import { registerLint } from './commands/lint.js';
import { registerReport } from './commands/report.js';
import { registerRules } from './commands/rules.js';
import { registerSnapshot } from './commands/snapshot.js';
import { registerTighten } from './commands/tighten.js';
import { EXIT, UsageError } from './exit.js';
import { serveLintRequests } from './lint-isolated.js';

/** Multi-line text with each line's controls made visible, the line breaks kept. */
const visibleLines = (text: string) => text.split('\n').map(visibleText).join('\n');

// The same bundle runs the lint workers (lintIsolated): a worker serves lint requests, not the command line.
if (!serveLintRequests()) await main();

async function main(): Promise<void> {
  // A reader that stops early (`| head`) closes the pipe: what it did not read is no error of ours.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? EXIT.clean);
  });
  const program = new Command('trustwatch')
    .description(pkg.description)
    .version(pkg.version)
    // Commander exits 1 on bad usage, which CI would read as "findings": throw instead and exit 2.
    .exitOverride()
    .showHelpAfterError('(run trustwatch --help for usage)')
    // Commander quotes what was typed (an unknown option, a bad choice): keep its controls inert too.
    .configureOutput({ outputError: (text, write) => write(visibleLines(text)) });
  registerLint(program, pkg.version, new URL(import.meta.url));
  registerCompare(program);
  registerDiff(program);
  registerExplain(program);
  registerDemo(program);
  registerAudit(program, pkg.version);
  registerBaseline(program, pkg.version);
  registerSnapshot(program);
  registerEvents(program);
  registerActivity(program);
  registerReport(program);
  registerRules(program);
  registerTighten(program);
  registerGitHub(program, pkg.version);
  // `report rollup --month …` reaches the subcommand only when the program stops at `report`; set after
  // the commands are made, so that none of them inherits it.
  program.enablePositionalOptions();

  try {
    await program.parseAsync();
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? EXIT.clean : EXIT.usage;
    } else if (error instanceof UsageError || error instanceof ComplexityError) {
      process.stderr.write(`trustwatch: ${visibleText(error.message)}\n`);
      process.exitCode = EXIT.usage;
    } else {
      // A bug, not a verdict on the input: never let it pass for "clean" or "findings".
      process.stderr.write(
        `trustwatch: internal error: ${visibleLines(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
      );
      process.exitCode = EXIT.usage;
    }
  }
}
