import { spawnSync } from 'node:child_process';
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
