import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';

export interface Tool {
  name: string;
  /** How to install it, shown when a suite is skipped for want of it. */
  install: string;
  available: boolean;
}

export const CFN_LINT: Tool = {
  name: 'cfn-lint',
  install: 'pip install cfn-lint',
  available: spawnSync('cfn-lint', ['--version'], { stdio: 'ignore' }).status === 0,
};

/** Debian's Chromium, or another one named by CHROMIUM_PATH: the HTML report is checked in it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM: Tool = {
  name: 'Chromium',
  install: 'apt-get install -y chromium (or set CHROMIUM_PATH)',
  available: existsSync(CHROMIUM_PATH),
};

/**
 * A describe that needs a command-line tool: skipped with the install hint when the tool is absent,
 * except under TRUSTWATCH_REQUIRE_TOOLS=1 (CI), where the absence fails the suite.
 */
export function describeWithTool(tool: Tool, name: string, body: () => void): void {
  if (tool.available) describe(name, body);
  else if (process.env.TRUSTWATCH_REQUIRE_TOOLS === '1')
    describe(name, () => {
      it(`needs ${tool.name}`, () => {
        throw new Error(`${tool.name} is not installed: ${tool.install}`);
      });
    });
  else describe.skip(`${name} (needs ${tool.name}: ${tool.install})`, body);
}
