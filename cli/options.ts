import { Option } from 'commander';

export function formatOption(formats: readonly string[]): Option {
  return new Option('--format <format>', 'output format').choices(formats).default('table');
}

/** `--config FILE` for the file commands: the allowed owners and the declared GitHub subject templates. */
export function configOption(): Option {
  return new Option('--config <file>', 'trustwatch.config.json (allowedOwners, github.subjectTemplates)');
}

/** For options that may be repeated or given a comma-separated list: `--allowed-owner a --allowed-owner b,c`. */
export function collectList(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').filter((v) => v !== '')];
}

/** For repeated options whose values are kept whole, such as `--claim key=value`. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Colours only for a person at a terminal; NO_COLOR (no-color.org) turns them off there too. */
export function useColor(): boolean {
  return process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
}
