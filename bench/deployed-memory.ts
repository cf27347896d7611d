import { App, Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { TrustwatchMonitor } from '../infra/monitor.js';
import type { FunctionName } from '../infra/monitor-function.js';

/** The memory size, in MB, the construct deploys the function with (default props, nothing bundled). */
export function deployedMemoryMb(name: FunctionName): number {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const monitor = new TrustwatchMonitor(new Stack(app, 'Bench', { env: { region: 'us-east-1' } }), 'Monitor');
  const memory = (monitor.functions[name]?.function.node.defaultChild as CfnFunction | undefined)?.memorySize;
  if (typeof memory !== 'number')
    throw new Error(`the monitor deploys no ${name} function with a memory size`);
  return memory;
}
