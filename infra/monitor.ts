import { ArnFormat, type CfnElement, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { type IMetric, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, type EventPattern, type IEventBus } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS as EVENT_METRICS, SERVICE_NAME as EVENT_SERVICE } from '../functions/iam-event/metrics.js';
import { METRIC_NAMESPACE, METRICS, SERVICE_NAME } from '../functions/slack-notifier/metrics.js';
import { LocationError, parseS3Location, type S3Location } from '../shared/account-files/location.js';
import { PARTITION_KEY, SORT_KEY, STATUS_INDEX, TTL_ATTRIBUTE } from '../shared/findings/table-schema.js';
import type { Severity } from '../shared/rules/rule.js';
import { alertOnAny } from './alarm.js';
import { subscribeChannel } from './channel-filter.js';
import {
  BASELINE_FILE,
  CONFIG_FILE,
  type ConfigOverrides,
  checkedBaseline,
  deployedConfig,
  stageFiles,
  TASK_ROOT,
} from './deployed-files.js';
import { failuresQueue } from './failures-queue.js';
import { type FunctionName, MonitorFunction, type MonitorFunctionProps } from './monitor-function.js';
import { kebab, pascal } from './names.js';
import type { Access } from './permissions.js';
import { PRIVATE_BUCKET, reportLifecycle } from './private-bucket.js';
import { scheduleFunction } from './scheduled-run.js';
import { watchdogTopic } from './watchdog-topic.js';
import { API_CALL, watchedEvents, watchRule } from './watched-events.js';

export interface TrustwatchSchedules {
  /** The whole-account audit against the baseline. @default every hour */
  readonly audit?: ScheduleExpression;
  /** The CloudTrail LookupEvents scan of every watched region. @default every 5 minutes */
  readonly activityScan?: ScheduleExpression;
  /** The digest of the findings below every channel's minimum. @default daily at 08:00 UTC */
  readonly dailyDigest?: ScheduleExpression;
  /** Last month's report. @default the 1st of each month at 06:00 UTC */
  readonly monthlyReport?: ScheduleExpression;
}

export interface TrustwatchMonitorProps {
  /** Addresses that get alerts by email; each must confirm the subscription AWS mails it. @default none */
  readonly alertEmails?: string[];
  /**
   * Name of the Secrets Manager secret that holds the Slack incoming-webhook URL (the plain URL, or
   * JSON with a `url` field). @default no Slack notifier
   */
  readonly slackWebhookSecretName?: string;
  /**
   * Regions whose CloudTrail is watched for GitHub assumptions and tampering; IAM changes are read in
   * us-east-1 whatever this says. Events of other regions reach this stack through a
   * `TrustwatchEventForwarder` in each of them. @default the stack's region
   */
  readonly watchedRegions?: string[];
  /** When the scheduled functions run. @default see TrustwatchSchedules */
  readonly schedules?: TrustwatchSchedules;
  /** A `trustwatch.config.json` to deploy. @default every field at its default */
  readonly configFile?: string;
  /**
   * Config fields set over the config file: thresholds (`maxKeyAgeDays`, `maxUnusedDays`, …),
   * `allowedOwners`, the minimum severity per channel (`alerts: { email, slack }`). @default none
   */
  readonly config?: ConfigOverrides;
  /** The reviewed `baseline.json` to deploy. @default none: drift rules stay silent until one is deployed */
  readonly baselineFile?: string;
  /**
   * `s3://BUCKET/PREFIX` where the organization keeps each account's reviewed baseline
   * (`PREFIX/ACCOUNT/baseline.json`) and config (`PREFIX/ACCOUNT/trustwatch.config.json`). The
   * functions read their own account's at run time, so that one template serves every account (a
   * StackSet). An account with no config object there runs with `configFile` and `config`; one with
   * no baseline gets a `baseline.missing` finding and a proposed baseline written beside it
   * (`baseline.proposed.json`), never read as reviewed. Not together with `baselineFile`.
   * @default none: the bundled `baselineFile`, if any
   */
  readonly baselineLocation?: string;
  /** The customer managed KMS key the baseline location's bucket encrypts with. @default none (SSE-S3) */
  readonly baselineLocationKeyArn?: string;
  /** Name prefix of the monitor's resources; the tamper watch recognises them by it. @default 'trustwatch' */
  readonly prefix?: string;
  /** How long the functions' logs are kept. @default one year */
  readonly logRetention?: RetentionDays;
  /**
   * An SNS topic of the organization (often in a security account) that gets every alert too, so that
   * all accounts' alerts fan in to one place; its policy must let this account publish
   * (`TrustwatchCentralTopic` does so for the whole organization). @default none
   */
  readonly centralTopicArn?: string;
  /** The customer managed KMS key of the central topic, when it has one. @default none */
  readonly centralTopicKeyArn?: string;
  /**
   * The organization's report bucket (a `TrustwatchCentralReports` in the security account): each
   * month's report.json and report.html are copied there too, under this account's folder, so that one
   * roll-up can read every account's. @default none
   */
  readonly centralReportBucket?: string;
  /** How long monthly reports are kept. @default three years */
  readonly reportRetention?: Duration;
  /** What happens to the state table, the report bucket and the alert key when the stack is deleted. @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Export findings to AWS Security Hub in the stack's region (BatchImportFindings under the account's
   * default product): the audit, iam-event and activity-scan functions import what they open, update,
   * suppress and resolve. Security Hub must be enabled in that region. @default false
   */
  readonly securityHub?: boolean;
}

const DEFAULT_SCHEDULES: Required<TrustwatchSchedules> = {
  audit: ScheduleExpression.rate(Duration.hours(1)),
  activityScan: ScheduleExpression.rate(Duration.minutes(5)),
  dailyDigest: ScheduleExpression.cron({ minute: '0', hour: '8' }),
  monthlyReport: ScheduleExpression.cron({ minute: '0', hour: '6', day: '1' }),
};

type FunctionSpec = Pick<MonitorFunctionProps, 'description' | 'memorySize' | 'timeout' | 'access'> & {
  /** Variables beyond the settings every function reads. */
  environment?: Record<string, string>;
  /** False for a function that reads none of the settings, the config or the baseline. @default true */
  settings?: boolean;
};

/**
 * trustwatch in one account: the functions, their state table, the alert topic with its email and
 * Slack channels, the EventBridge rules and schedules that drive them, and alarms on all of it.
 */
export class TrustwatchMonitor extends Construct {
  /** The bus the forwarders of other regions send their events to. */
  static eventBusName(prefix = 'trustwatch'): string {
    return `${prefix}-events`;
  }

  readonly table: TableV2;
  readonly topic: Topic;
  /** Where the alarm relay's own alarms go, straight to the alert addresses: the path that needs no relay. */
  readonly watchdog: Topic;
  readonly eventBus: EventBus;
  /** Where the monthly reports go, under `ACCOUNT/YYYY-MM/`. */
  readonly reportBucket: Bucket;
  /** Events and invocations that failed every retry. */
  readonly failures: Queue;
  readonly functions: Partial<Record<FunctionName, MonitorFunction>> = {};
  /** The files copied next to each function's bundle (the Lambda task root), by name: their text. */
  readonly deployedFiles: Readonly<Record<string, string>>;
  readonly prefix: string;
  readonly #common: Omit<MonitorFunctionProps, 'name' | 'functionName' | keyof FunctionSpec | 'environment'>;
  readonly #settings: Record<string, string>;

  constructor(scope: Construct, id: string, props: TrustwatchMonitorProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region))
      throw new Error(
        'TrustwatchMonitor needs a stack with an explicit region: set env: { region } on its stack',
      );
    this.prefix = props.prefix ?? 'trustwatch';
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const schedules = { ...DEFAULT_SCHEDULES, ...props.schedules };
    const regions = props.watchedRegions ?? [stack.region];
    const config = deployedConfig(props.configFile, props.config);
    const baselineLocation = checkedLocation(props);

    this.table = new TableV2(this, 'State', {
      tableName: `${this.prefix}-state`,
      partitionKey: { name: PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: AttributeType.STRING },
      globalSecondaryIndexes: [
        {
          indexName: STATUS_INDEX.name,
          partitionKey: { name: STATUS_INDEX.partitionKey, type: AttributeType.STRING },
          sortKey: { name: STATUS_INDEX.sortKey, type: AttributeType.STRING },
        },
      ],
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });

    const topicKey = new Key(this, 'AlertKey', {
      description: 'trustwatch: encrypts the alert topic',
      enableKeyRotation: true,
      removalPolicy,
    });
    this.topic = new Topic(this, 'Alerts', {
      topicName: `${this.prefix}-alerts`,
      displayName: 'trustwatch',
      masterKey: topicKey,
      enforceSSL: true,
    });

    // The alarm relay's own alarms cannot go through the relay: they publish to this topic, which mails
    // the alert addresses unfiltered (an alarm's message has no attributes for a filter to match).
    this.watchdog = watchdogTopic(this, 'Watchdog', { topicName: `${this.prefix}-watchdog`, key: topicKey });

    this.failures = failuresQueue(this, 'Failures', `${this.prefix}-failures`);
    this.reportBucket = new Bucket(this, 'Reports', {
      ...PRIVATE_BUCKET,
      lifecycleRules: reportLifecycle(props.reportRetention),
      removalPolicy,
    });
    Validations.of(this.reportBucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'the bucket holds only the monthly reports trustwatch writes; reads of it are in CloudTrail (S3 data events) where the account records them, and a log bucket would need its own',
    });

    const files: Record<string, string> = { [CONFIG_FILE]: `${JSON.stringify(config, null, 2)}\n` };
    if (props.baselineFile) files[BASELINE_FILE] = checkedBaseline(props.baselineFile);
    this.deployedFiles = files;
    this.#settings = {
      TRUSTWATCH_TABLE: this.table.tableName,
      TRUSTWATCH_TOPIC_ARN: this.topic.topicArn,
      ...(props.centralTopicArn ? { TRUSTWATCH_CENTRAL_TOPIC_ARN: props.centralTopicArn } : {}),
      TRUSTWATCH_REGIONS: regions.join(','),
      TRUSTWATCH_PREFIX: this.prefix,
      TRUSTWATCH_CONFIG: `${TASK_ROOT}/${CONFIG_FILE}`,
      ...(props.baselineFile ? { TRUSTWATCH_BASELINE: `${TASK_ROOT}/${BASELINE_FILE}` } : {}),
      ...(props.baselineLocation ? { TRUSTWATCH_BASELINE_LOCATION: props.baselineLocation } : {}),
    };
    // The functions that read the baseline or the config read their account's from the location.
    const accountFiles: Access[] = baselineLocation ? ['account-files'] : [];
    const slackSecret = props.slackWebhookSecretName
      ? Secret.fromSecretNameV2(this, 'SlackWebhook', props.slackWebhookSecretName)
      : undefined;
    this.#common = {
      resources: {
        tableArn: this.table.tableArn,
        topic: this.topic,
        topicKey,
        slackSecret,
        reportBucket: this.reportBucket,
        centralTopicArn: props.centralTopicArn,
        centralTopicKeyArn: props.centralTopicKeyArn,
        centralReportBucket: props.centralReportBucket,
        baselineLocation,
        baselineKeyArn: props.baselineLocationKeyArn,
      },
      failures: this.failures,
      logRetention: props.logRetention ?? RetentionDays.ONE_YEAR,
      copyFiles: stageFiles(files),
    };

    // First, so that every other alarm can invoke it; its own alarms go to the watchdog topic.
    this.#common.alarmAction = new SnsAction(this.watchdog);
    const relay = this.monitorFunction('alarm-relay', {
      description: "trustwatch: turns the monitor's own alarms into alerts",
      memorySize: 256,
      timeout: Duration.minutes(1),
      access: ['state-table', 'alert-topic'],
    });
    // One permission for all the monitor's alarms, by name, rather than one per alarm.
    relay.addPermission('InvokedByAlarms', {
      principal: new ServicePrincipal('lambda.alarms.cloudwatch.amazonaws.com'),
      sourceAccount: stack.account,
      sourceArn: stack.formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: `${this.prefix}-*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    });
    this.#common.alarmAction = { bind: () => ({ alarmActionArn: relay.functionArn }) };
    this.alarm(
      'FailuresWaiting',
      this.failures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      'events or invocations failed every retry: read the failures queue',
    );

    // The functions that save findings export them to Security Hub when asked to; what it does not take
    // goes to the failures queue (the role may send to it: it is the functions' failure destination).
    const hub: Pick<FunctionSpec, 'access' | 'environment'> = props.securityHub
      ? {
          access: ['security-hub'],
          environment: { TRUSTWATCH_SECURITY_HUB: 'on', TRUSTWATCH_FAILURES_QUEUE: this.failures.queueUrl },
        }
      : { access: [], environment: {} };
    const iamEvent = this.monitorFunction('iam-event', {
      description: 'trustwatch: IAM changes, GitHub assumptions and tampering, as they happen',
      memorySize: 512,
      timeout: Duration.minutes(1),
      access: ['state-table', 'alert-topic', 'iam-resource-reads', ...accountFiles, ...hub.access],
      environment: hub.environment,
    });
    this.alarm(
      'UnusableEvents',
      this.metric(EVENT_METRICS.unusable, EVENT_SERVICE),
      'a rule delivered an event with no usable CloudTrail record: it is in the failures queue, its ids in the iam-event log',
    );
    const activityScan = this.monitorFunction('activity-scan', {
      description: 'trustwatch: CloudTrail LookupEvents of every watched region',
      memorySize: 512,
      // Shorter than the scan interval, so that scans do not pile up behind a slow one.
      timeout: Duration.minutes(4),
      access: [
        'state-table',
        'alert-topic',
        'iam-resource-reads',
        'cloudtrail-reads',
        ...accountFiles,
        ...hub.access,
      ],
      // Events it cannot handle go there (the role may send to it: it is the function's failure destination).
      environment: { ...hub.environment, TRUSTWATCH_FAILURES_QUEUE: this.failures.queueUrl },
    });
    const audit = this.monitorFunction('audit', {
      description: 'trustwatch: the whole account against the baseline',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      access: [
        'state-table',
        'alert-topic',
        'iam-inventory',
        'iam-key-names',
        ...accountFiles,
        ...(baselineLocation ? (['baseline-proposal'] as const) : []),
        ...hub.access,
      ],
      environment: hub.environment,
    });
    const monthlyReport = this.monitorFunction('monthly-report', {
      description: "trustwatch: last month's compliance report, to the report bucket and the alert topic",
      memorySize: 1024,
      // Reads the whole account like the audit, then aggregates a month of activity.
      timeout: Duration.minutes(10),
      access: [
        'state-table',
        'alert-topic',
        'iam-inventory',
        'report-bucket',
        ...accountFiles,
        ...(props.centralReportBucket ? (['central-report-bucket'] as const) : []),
      ],
      environment: {
        TRUSTWATCH_REPORT_BUCKET: this.reportBucket.bucketName,
        ...(props.centralReportBucket ? { TRUSTWATCH_CENTRAL_REPORT_BUCKET: props.centralReportBucket } : {}),
      },
    });
    const reportsArn = `<${stack.getLogicalId(this.reportBucket.node.defaultChild as CfnElement)}.Arn>`;
    Validations.of(this.functions['monthly-report']?.role ?? this).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${reportsArn}/*]`,
      reason:
        'writes ACCOUNT/YYYY-MM/report.{html,json} of whichever month it reports, and reads the month before',
    });
    if (props.centralReportBucket)
      Validations.of(this.functions['monthly-report']?.role ?? this).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${props.centralReportBucket}/<AWS::AccountId>/*]`,
        reason:
          "copies ACCOUNT/YYYY-MM/report.{html,json} of whichever month it reports to this account's folder of the organization's bucket",
      });
    const digest = this.monitorFunction('daily-digest', {
      description: 'trustwatch: the daily digest of findings below every alert minimum',
      memorySize: 256,
      timeout: Duration.minutes(1),
      access: ['state-table', 'alert-topic', ...accountFiles],
    });

    // This region's events go straight to the function; other regions' come through the bus.
    for (const watched of watchedEvents(stack.region)) {
      if (watched.id !== 'IamChanges' && !regions.includes(stack.region)) continue;
      this.eventRule(watched.id, watched.description, watched.pattern, watched.readOnly, iamEvent);
    }
    this.eventBus = new EventBus(this, 'ForwardedEvents', {
      eventBusName: TrustwatchMonitor.eventBusName(this.prefix),
    });
    this.eventRule(
      'FromOtherRegions',
      'trustwatch: CloudTrail events forwarded from us-east-1 and the other watched regions',
      { detailType: [API_CALL] },
      true,
      iamEvent,
      this.eventBus,
    );

    this.schedule('audit', schedules.audit, audit);
    this.schedule('activity-scan', schedules.activityScan, activityScan);
    this.schedule('daily-digest', schedules.dailyDigest, digest);
    this.schedule('monthly-report', schedules.monthlyReport, monthlyReport);

    for (const email of props.alertEmails ?? []) {
      subscribeChannel(this.topic, new EmailSubscription(email), config.alerts.email as Severity);
      this.watchdog.addSubscription(new EmailSubscription(email));
    }
    if (slackSecret) {
      const notifier = this.monitorFunction('slack-notifier', {
        description: 'trustwatch: posts alerts to Slack',
        memorySize: 256,
        // Room for the delivery's retries: four requests of 10 s and 30 s of waiting.
        timeout: Duration.seconds(90),
        access: ['slack-secret'],
        settings: false,
        environment: { TRUSTWATCH_SLACK_SECRET: slackSecret.secretName },
      });
      subscribeChannel(
        this.topic,
        new LambdaSubscription(notifier, { deadLetterQueue: this.failures }),
        config.alerts.slack as Severity,
      );
      this.alarm(
        'SlackDeliveryFailed',
        this.metric(METRICS.failed, SERVICE_NAME),
        'an alert could not be posted to Slack',
      );
    }
  }

  private monitorFunction(name: FunctionName, spec: FunctionSpec): IFunction {
    const { environment = {}, settings = true, ...rest } = spec;
    const created = new MonitorFunction(this, pascal(name), {
      name,
      ...rest,
      functionName: `${this.prefix}-${name}`,
      environment: settings ? { ...this.#settings, ...environment } : environment,
      ...this.#common,
      ...(settings ? {} : { copyFiles: undefined }),
    });
    this.functions[name] = created;
    return created.function;
  }

  private eventRule(
    id: string,
    description: string,
    pattern: EventPattern,
    readOnly: boolean,
    target: IFunction,
    eventBus?: IEventBus,
  ): void {
    watchRule(this, id, {
      ruleName: `${this.prefix}-${kebab(id)}`,
      description,
      pattern,
      readOnly,
      target: new LambdaFunction(target, { deadLetterQueue: this.failures, retryAttempts: 8 }),
      ...(eventBus ? { eventBus } : {}),
    });
  }

  private schedule(name: FunctionName, schedule: ScheduleExpression, target: IFunction): void {
    scheduleFunction(this, {
      name,
      scheduleName: `${this.prefix}-${name}`,
      schedule,
      target,
      deadLetterQueue: this.failures,
    });
  }

  /** A count the functions emit (Powertools metrics: the service is a dimension), summed over 5 minutes. */
  private metric(metricName: string, service: string): IMetric {
    return new Metric({
      namespace: METRIC_NAMESPACE,
      metricName,
      dimensionsMap: { service },
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
  }

  private alarm(id: string, metric: IMetric, what: string): void {
    const action = this.#common.alarmAction;
    if (!action) throw new Error('the alarm relay is created before any alarm');
    alertOnAny(this, id, { alarmName: `${this.prefix}-${kebab(id)}`, metric, what, action });
  }
}

/** The baseline location, checked at synth: a mistake fails `cdk synth`, not every invocation. */
function checkedLocation(props: TrustwatchMonitorProps): S3Location | undefined {
  if (props.baselineLocation === undefined) {
    if (props.baselineLocationKeyArn)
      throw new Error('TrustwatchMonitor: baselineLocationKeyArn is given without a baselineLocation');
    return undefined;
  }
  if (props.baselineFile)
    throw new Error(
      'TrustwatchMonitor: give baselineFile (one bundled baseline, one account) or baselineLocation (each account its own, from S3), not both',
    );
  try {
    return parseS3Location(props.baselineLocation);
  } catch (error) {
    if (error instanceof LocationError)
      throw new Error(`TrustwatchMonitor: baselineLocation ${error.message}`);
    throw error;
  }
}
