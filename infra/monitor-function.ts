import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { alertOnAny } from './alarm.js';
import { bundlingFor, LAMBDA_NODE_OPTIONS } from './bundling.js';
import { type Access, type AccessResources, accessStatements, WILDCARD_REASONS } from './permissions.js';

/** The functions under functions/, by folder name. */
export type FunctionName =
  | 'alarm-relay'
  | 'iam-event'
  | 'activity-scan'
  | 'audit'
  | 'daily-digest'
  | 'slack-notifier'
  | 'monthly-report'
  /** The organization's roll-up, in the security account's TrustwatchCentral stack. */
  | 'org-rollup';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface MonitorFunctionProps {
  name: FunctionName;
  /** The deployed name: carries the monitor's prefix, which the tamper watch looks for. */
  functionName: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  /** What the code calls: the role holds these and nothing else (plus its logs and failure queue). */
  access: Access[];
  resources: AccessResources;
  /** Where an invocation that failed every retry goes. */
  failures: IQueue;
  /**
   * What the error and throttle alarms invoke: the alarm relay, or for the relay's own alarms the
   * watchdog topic (a path that does not need the relay to run).
   */
  alarmAction?: IAlarmAction;
  logRetention: RetentionDays;
  /** Shell commands that copy extra files (config, baseline) next to the bundle. */
  copyFiles?: (outputDir: string) => string[];
}

/**
 * One trustwatch function: its own role with exactly the access its code needs, its own log group
 * with retention, a failure destination, and alarms on errors and throttles through the alert topic.
 */
export class MonitorFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: MonitorFunctionProps) {
    super(scope, id);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `trustwatch ${props.name}: only what the function calls`,
    });
    const wildcards = new Map<string, string[]>();
    for (const access of props.access) {
      for (const statement of accessStatements(this, access, props.resources))
        this.role.addToPolicy(statement);
      for (const [finding, reason] of Object.entries(WILDCARD_REASONS[access] ?? {}))
        wildcards.set(finding, [...(wildcards.get(finding) ?? []), reason]);
    }
    for (const [finding, reasons] of wildcards)
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[${finding}]`,
        reason: reasons.join('; '),
      });
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    logGroup.grantWrite(this.role);
    const copyFiles = props.copyFiles;
    this.function = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}functions/${props.name}/index.ts`,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      functionName: props.functionName,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup,
      environment: { ...props.environment, NODE_OPTIONS: LAMBDA_NODE_OPTIONS },
      onFailure: new SqsDestination(props.failures),
      retryAttempts: 2,
      bundling: {
        ...bundlingFor(props.name),
        format: OutputFormat.ESM,
        ...(copyFiles
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_inputDir: string, outputDir: string) => copyFiles(outputDir),
              },
            }
          : {}),
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason: 'nodejs22.x is the Node.js version trustwatch is bundled (target node22) and tested for',
    });
    const alarmAction = props.alarmAction;
    if (!alarmAction) throw new Error(`${props.name}: no alarm action for its alarms`);
    const period = Duration.minutes(5);
    for (const [alarmId, metric, what] of [
      ['Errors', this.function.metricErrors({ period }), 'invocations failed'],
      ['Throttles', this.function.metricThrottles({ period }), 'invocations throttled'],
    ] as const)
      alertOnAny(this, alarmId, {
        alarmName: `${props.functionName}-${alarmId.toLowerCase()}`,
        metric,
        what: `${props.name} ${what}`,
        action: alarmAction,
      });
  }
}
