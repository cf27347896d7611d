import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { appSettings } from '../../infra/app-context.js';
import { deployedConfig } from '../../infra/deployed-files.js';
import { TrustwatchMonitor } from '../../infra/monitor.js';
import { FULL_CONTEXT, functionActions, ORGANIZATION_CONTEXT, synth } from './synth.js';

const { template, forwarders } = synth();
const forwarder = (region: string) => {
  const stack = forwarders.find((s) => s.region === region);
  if (!stack) throw new Error(`no forwarder in ${region}`);
  return Template.fromStack(stack);
};

const TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'];
const PUBLISH_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey', 'sns:Publish'];
const PLUMBING = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:SendMessage',
];
const RESOURCE_READS = [
  'iam:GetAccessKeyLastUsed',
  'iam:GetOpenIDConnectProvider',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'iam:GetRole',
  'iam:GetRolePolicy',
  'iam:GetUser',
  'iam:ListAccessKeys',
  'iam:ListAttachedRolePolicies',
  'iam:ListOpenIDConnectProviders',
  'iam:ListRolePolicies',
];
const INVENTORY_READS = [
  'iam:GenerateCredentialReport',
  'iam:GetAccountAuthorizationDetails',
  'iam:GetCredentialReport',
  'iam:GetOpenIDConnectProvider',
  'iam:ListOpenIDConnectProviders',
  'iam:ListRoles',
];
const sorted = (...lists: string[][]) => lists.flat().sort();

describe('the monitor stack', () => {
  it('keeps state in an on-demand, encrypted, recoverable table whose old items expire', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'trustwatch-state',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byStatus' })],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      ],
    });
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
  });

  it('alerts through a topic encrypted with a rotated key that refuses publishing without TLS', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'trustwatch-alerts',
      DisplayName: 'trustwatch',
      KmsMasterKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ],
      },
    });
  });

  it('keeps reports in a private, encrypted, versioned bucket that refuses plain HTTP and expires them', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Id: 'expire-reports', ExpirationInDays: 1096, Status: 'Enabled' }),
          Match.objectLike({
            Id: 'expire-old-versions',
            NoncurrentVersionExpiration: { NoncurrentDays: 90 },
          }),
        ]),
      },
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  it('filters each channel by its minimum severity, and lets trustwatch failing through whatever it is', () => {
    for (const email of FULL_CONTEXT.alertEmails.split(','))
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: email,
        FilterPolicy: {
          $or: [{ severity: ['critical', 'high', 'digest', 'report'] }, { ruleId: ['monitor.unhealthy'] }],
        },
      });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      FilterPolicy: {
        $or: [
          { severity: ['critical', 'high', 'medium', 'digest', 'report'] },
          { ruleId: ['monitor.unhealthy'] },
        ],
      },
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
  });

  it('sends this region’s assumptions and tampering, and the forwarded events, to the event function', () => {
    const target = [
      Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('IamEventFunction'), 'Arn'] } }),
    ];
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'trustwatch-web-identity-assumptions',
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      EventPattern: { source: ['aws.sts'], detail: { eventName: ['AssumeRoleWithWebIdentity'] } },
      Targets: target,
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'trustwatch-monitor-tampering',
      State: 'ENABLED',
      EventPattern: { detail: { eventName: Match.arrayWith(['StopLogging', 'DeleteRule', 'DeleteTable']) } },
      Targets: target,
    });
    template.hasResourceProperties('AWS::Events::EventBus', { Name: TrustwatchMonitor.eventBusName() });
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'trustwatch-from-other-regions',
      EventBusName: Match.anyValue(),
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      Targets: target,
    });
    // IAM's events arrive in us-east-1 only: the monitor in eu-west-1 gets them through its bus.
    template.resourcePropertiesCountIs('AWS::Events::Rule', { Name: 'trustwatch-iam-changes' }, 0);
  });

  it('forwards IAM changes from us-east-1 and everything watched from us-west-2 to the monitor bus', () => {
    expect(forwarders.map((s) => s.region).sort()).toEqual(['us-east-1', 'us-west-2']);
    const toBus = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':events:eu-west-1:',
          { Ref: 'AWS::AccountId' },
          ':event-bus/trustwatch-events',
        ],
      ],
    };
    const east = forwarder('us-east-1');
    east.resourceCountIs('AWS::Events::Rule', 1);
    east.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.iam'],
        detail: { eventName: Match.arrayWith(['UpdateAssumeRolePolicy', 'CreateAccessKey']) },
      },
      Targets: [
        Match.objectLike({ Arn: toBus, DeadLetterConfig: Match.anyValue(), RoleArn: Match.anyValue() }),
      ],
    });
    east.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: toBus }] },
    });
    const west = forwarder('us-west-2');
    west.resourceCountIs('AWS::Events::Rule', 2);
    west.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      EventPattern: { source: ['aws.sts'] },
      Targets: [Match.objectLike({ Arn: toBus })],
    });
  });

  it('runs the audit hourly, the scan every 5 minutes and the digest daily, failures to the queue', () => {
    for (const [name, expression] of [
      ['trustwatch-audit', 'rate(1 hour)'],
      ['trustwatch-activity-scan', 'rate(5 minutes)'],
      ['trustwatch-daily-digest', 'cron(0 8 * * ? *)'],
      ['trustwatch-monthly-report', 'cron(0 6 1 * ? *)'],
    ])
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        Name: name,
        ScheduleExpression: expression,
        Target: Match.objectLike({
          DeadLetterConfig: Match.anyValue(),
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
        }),
      });
  });

  it('runs every function on arm64 Node.js 22 with its settings, logs kept a year, failures kept', () => {
    for (const name of ['alarm-relay', 'iam-event', 'activity-scan', 'audit', 'daily-digest'])
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `trustwatch-${name}`,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Environment: {
          Variables: {
            TRUSTWATCH_TABLE: Match.anyValue(),
            TRUSTWATCH_TOPIC_ARN: Match.anyValue(),
            TRUSTWATCH_REGIONS: 'eu-west-1,us-west-2',
            TRUSTWATCH_PREFIX: 'trustwatch',
            TRUSTWATCH_CONFIG: '/var/task/trustwatch.config.json',
            TRUSTWATCH_BASELINE: '/var/task/baseline.json',
            // Stack traces in the logs point at the TypeScript.
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
      });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'trustwatch-monthly-report',
      Environment: {
        Variables: Match.objectLike({
          TRUSTWATCH_REPORT_BUCKET: { Ref: Match.stringLikeRegexp('MonitorReports') },
        }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'trustwatch-slack-notifier',
      Timeout: 90,
      Environment: { Variables: { TRUSTWATCH_SLACK_SECRET: 'trustwatch/slack-webhook' } },
    });
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 365 }, 7);
    template.resourcePropertiesCountIs(
      'AWS::Lambda::EventInvokeConfig',
      { DestinationConfig: { OnFailure: { Destination: Match.anyValue() } }, MaximumRetryAttempts: 2 },
      7,
    );
  });

  it('gives each function exactly the actions its code calls', () => {
    // The functions that save findings export them (the full context turns Security Hub on).
    const SECURITY_HUB = ['securityhub:BatchImportFindings'];
    expect(functionActions(template)).toEqual({
      'trustwatch-alarm-relay': sorted(TABLE_ACTIONS, PUBLISH_ACTIONS, PLUMBING),
      'trustwatch-iam-event': sorted(TABLE_ACTIONS, PUBLISH_ACTIONS, RESOURCE_READS, SECURITY_HUB, PLUMBING),
      'trustwatch-activity-scan': sorted(
        TABLE_ACTIONS,
        PUBLISH_ACTIONS,
        RESOURCE_READS,
        SECURITY_HUB,
        [
          'cloudtrail:DescribeTrails',
          'cloudtrail:GetEventSelectors',
          'cloudtrail:GetTrailStatus',
          'cloudtrail:LookupEvents',
        ],
        PLUMBING,
      ),
      'trustwatch-audit': sorted(
        TABLE_ACTIONS,
        PUBLISH_ACTIONS,
        INVENTORY_READS,
        ['iam:ListAccessKeys'],
        SECURITY_HUB,
        PLUMBING,
      ),
      'trustwatch-daily-digest': sorted(TABLE_ACTIONS, PUBLISH_ACTIONS, PLUMBING),
      'trustwatch-monthly-report': sorted(
        TABLE_ACTIONS,
        PUBLISH_ACTIONS,
        INVENTORY_READS,
        // ListBucket: a missing previous report then reads as NoSuchKey, not AccessDenied.
        ['s3:GetObject', 's3:ListBucket', 's3:PutObject'],
        PLUMBING,
      ),
      'trustwatch-slack-notifier': sorted(['secretsmanager:GetSecretValue'], PLUMBING),
    });
  });

  it('scopes what can be scoped: the table and its index, the topic, the secret, this account’s roles', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) =>
        (
          p as {
            Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } };
          }
        ).Properties.PolicyDocument.Statement,
    );
    const resourceOf = (action: string) =>
      statements.filter((s) => [s.Action].flat().includes(action)).map((s) => JSON.stringify(s.Resource));
    for (const resource of resourceOf('dynamodb:Query'))
      expect(resource).toMatch(/MonitorState.*index\/byStatus/);
    for (const resource of resourceOf('sns:Publish')) expect(resource).toMatch(/MonitorAlerts/);
    // Only this secret, whatever the six random characters of its real ARN (test/infra/permissions.test.ts
    // evaluates the grant against such an ARN).
    for (const resource of resourceOf('secretsmanager:GetSecretValue'))
      expect(resource).toContain('secret:trustwatch/slack-webhook-??????"');
    for (const resource of resourceOf('iam:GetRole')) expect(resource).toContain(':role/*');
    expect(
      statements.every((s) => ![s.Action].flat().some((a) => a.endsWith('*') && !a.startsWith('kms:'))),
    ).toBe(true);
  });

  it('alarms on errors, throttles, waiting failures and Slack deliveries, through the alarm relay', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as {
      Properties: { AlarmName: string; AlarmActions: unknown[]; OKActions: unknown[] };
    }[];
    expect(alarms.map((a) => a.Properties.AlarmName).sort()).toEqual(
      [
        ...[
          'alarm-relay',
          'iam-event',
          'activity-scan',
          'audit',
          'daily-digest',
          'monthly-report',
          'slack-notifier',
        ].flatMap((f) => [`trustwatch-${f}-errors`, `trustwatch-${f}-throttles`]),
        'trustwatch-failures-waiting',
        'trustwatch-slack-delivery-failed',
        'trustwatch-unusable-events',
      ].sort(),
    );
    // Every alarm invokes the relay when it fires and when it clears, except the relay's own: those
    // publish to the watchdog topic, a path that works when the relay cannot run.
    const relay = { 'Fn::GetAtt': [expect.stringMatching(/^MonitorAlarmRelayFunction/), 'Arn'] };
    const watchdog = { Ref: expect.stringMatching(/^MonitorWatchdog/) };
    for (const alarm of alarms) {
      const action = alarm.Properties.AlarmName.startsWith('trustwatch-alarm-relay-') ? watchdog : relay;
      expect(alarm.Properties.AlarmActions, alarm.Properties.AlarmName).toEqual([action]);
      expect(alarm.Properties.OKActions, alarm.Properties.AlarmName).toEqual([action]);
    }
    // The watchdog mails every alert address, unfiltered (an alarm's message has no attributes).
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')) as {
      Properties: { TopicArn: { Ref: string }; Endpoint: unknown; FilterPolicy?: unknown };
    }[];
    const watchdogMail = subscriptions.filter((s) => s.Properties.TopicArn.Ref.startsWith('MonitorWatchdog'));
    expect(watchdogMail.map((s) => s.Properties.Endpoint).sort()).toEqual([
      'platform@example.com',
      'security@example.com',
    ]);
    expect(watchdogMail.every((s) => s.Properties.FilterPolicy === undefined)).toBe(true);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'trustwatch',
      MetricName: 'SlackDeliveryFailed',
      Dimensions: [{ Name: 'service', Value: 'trustwatch-slack-notifier' }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'trustwatch',
      MetricName: 'UnusableEvents',
      Dimensions: [{ Name: 'service', Value: 'trustwatch-iam-event' }],
    });
  });
});

describe('a monitor in us-east-1 with nothing configured', () => {
  const minimal = synth({ region: 'us-east-1' });

  it('reads IAM changes directly and needs no forwarder', () => {
    expect(minimal.forwarders).toEqual([]);
    minimal.template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'trustwatch-iam-changes',
      State: 'ENABLED',
      EventPattern: { source: ['aws.iam'] },
    });
  });

  it('has no subscriptions and no Slack notifier, and runs without a baseline', () => {
    minimal.template.resourceCountIs('AWS::SNS::Subscription', 0);
    expect(Object.keys(functionActions(minimal.template)).sort()).toEqual([
      'trustwatch-activity-scan',
      'trustwatch-alarm-relay',
      'trustwatch-audit',
      'trustwatch-daily-digest',
      'trustwatch-iam-event',
      'trustwatch-monthly-report',
    ]);
    minimal.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'trustwatch-audit',
      Environment: { Variables: Match.objectLike({ TRUSTWATCH_BASELINE: Match.absent() }) },
    });
  });

  it('exports nothing to Security Hub unless asked to', () => {
    const actions = Object.values(functionActions(minimal.template)).flat();
    expect(actions.filter((a) => a.startsWith('securityhub:'))).toEqual([]);
    minimal.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'trustwatch-audit',
      Environment: { Variables: Match.objectLike({ TRUSTWATCH_SECURITY_HUB: Match.absent() }) },
    });
  });
});

describe('the Security Hub export', () => {
  it('lets the functions that save findings import them under the account default product only', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } } })
          .Properties.PolicyDocument.Statement,
    );
    const hub = statements.filter((s) => s.Action === 'securityhub:BatchImportFindings');
    expect(hub).toHaveLength(3);
    for (const s of hub)
      expect(s.Resource).toEqual({
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':securityhub:eu-west-1:',
            { Ref: 'AWS::AccountId' },
            ':product/',
            { Ref: 'AWS::AccountId' },
            '/default',
          ],
        ],
      });
    for (const name of ['audit', 'iam-event', 'activity-scan'])
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `trustwatch-${name}`,
        Environment: {
          Variables: Match.objectLike({
            TRUSTWATCH_SECURITY_HUB: 'on',
            TRUSTWATCH_FAILURES_QUEUE: { Ref: Match.stringLikeRegexp('MonitorFailures') },
          }),
        },
      });
  });

  it('reads the switch from the context', () => {
    expect(appSettings({ securityHub: 'true' }).monitor.securityHub).toBe(true);
    expect(appSettings({ securityHub: true }).monitor.securityHub).toBe(true);
    expect(appSettings({ securityHub: 'false' }).monitor.securityHub).toBeUndefined();
    expect(() => appSettings({ securityHub: 'yes' })).toThrow(/securityHub/);
  });
});

describe('configuration', () => {
  it('rejects context values that are wrong, naming each', () => {
    expect(() => appSettings({ region: 'Ireland' })).toThrow(/region: .*AWS region/);
    expect(() => appSettings({ alertEmails: 'security@example.com,not-an-address' })).toThrow(
      /alertEmails\.1/,
    );
    expect(() => appSettings({ emailMinimum: 'urgent' })).toThrow(/emailMinimum/);
    expect(() => appSettings({ maxKeyAgeDays: '-3' })).toThrow(/maxKeyAgeDays/);
  });

  it('reads lists from -c strings and from cdk.json arrays alike', () => {
    const fromCli = appSettings({
      region: 'eu-west-1',
      watchedRegions: 'eu-west-1, us-west-2',
      maxKeyAgeDays: '60',
    });
    const fromJson = appSettings({
      region: 'eu-west-1',
      watchedRegions: ['eu-west-1', 'us-west-2'],
      maxKeyAgeDays: 60,
    });
    expect(fromCli).toEqual(fromJson);
    expect(fromCli.monitor.watchedRegions).toEqual(['eu-west-1', 'us-west-2']);
    expect(fromCli.monitor.config).toEqual({ maxKeyAgeDays: 60 });
  });

  it('lays the construct’s settings over the config file, one level deep', () => {
    const config = deployedConfig(FULL_CONTEXT.configFile, {
      maxKeyAgeDays: 30,
      alerts: { slack: 'high' },
      ciUsers: { namePatterns: ['^deploy-'] },
    });
    expect(config.maxKeyAgeDays).toBe(30);
    expect(config.allowedOwners).toEqual(['acme-corp']);
    expect(config.alerts).toEqual({ email: 'high', slack: 'high' });
    expect(config.ciUsers).toMatchObject({ pathPrefix: '/ci/', namePatterns: ['^deploy-'] });
  });

  it('fails synthesis on a baseline or config that would fail every invocation, naming the file', () => {
    expect(() =>
      synth({ region: 'us-east-1', baselineFile: 'examples/sample-account/trustwatch.config.json' }),
    ).toThrow(/examples\/sample-account\/trustwatch\.config\.json: /);
    expect(() => synth({ region: 'us-east-1', configFile: 'no/such/config.json' })).toThrow(
      /no\/such\/config\.json: cannot be read/,
    );
    expect(() => deployedConfig(undefined, { maxKeyAgeDays: 0 })).toThrow(/maxKeyAgeDays/);
  });
});

describe('an organization', () => {
  const ORG_CONTEXT = {
    region: 'eu-west-1',
    alertEmails: 'security@example.com',
    assetBucket: 'acme-trustwatch-assets-eu-west-1',
    centralOrganizationId: 'o-abcdefghij',
    centralTopicArn: 'arn:aws:sns:eu-west-1:999988887777:trustwatch-organization-alerts',
    centralTopicKeyArn: 'arn:aws:kms:eu-west-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  };
  const org = synth(ORG_CONTEXT);

  it('names the asset bucket instead of the CDK bootstrap, so a StackSet can deploy the template anywhere', () => {
    const template = org.template.toJSON() as {
      Parameters?: Record<string, unknown>;
      Rules?: Record<string, unknown>;
    };
    expect(Object.keys(template.Parameters ?? {})).not.toContain('BootstrapVersion');
    expect(Object.keys(template.Rules ?? {})).not.toContain('CheckBootstrapVersion');
    const functions = Object.values(org.template.findResources('AWS::Lambda::Function')) as {
      Properties: { Code: { S3Bucket: unknown; S3Key: string } };
    }[];
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect(fn.Properties.Code.S3Bucket).toBe('acme-trustwatch-assets-eu-west-1');
      expect(fn.Properties.Code.S3Key).toMatch(/^trustwatch\/[0-9a-f]{64}\.zip$/);
    }
  });

  it('publishes every alert to the central topic too, and may use its key', () => {
    org.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'trustwatch-audit',
      Environment: {
        Variables: Match.objectLike({ TRUSTWATCH_CENTRAL_TOPIC_ARN: ORG_CONTEXT.centralTopicArn }),
      },
    });
    org.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'sns:Publish',
            Effect: 'Allow',
            Resource: [Match.anyValue(), ORG_CONTEXT.centralTopicArn],
          },
          {
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Effect: 'Allow',
            Resource: [Match.anyValue(), ORG_CONTEXT.centralTopicKeyArn],
          },
        ]),
      },
    });
  });

  it('has a central topic every account of the organization, and only those, may publish to', () => {
    if (!org.central) throw new Error('no central stack');
    const central = Template.fromStack(org.central);
    const inOrganization = { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } };
    central.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'trustwatch-organization-alerts',
      KmsMasterKeyId: Match.anyValue(),
    });
    central.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { AWS: '*' },
            Condition: inOrganization,
          }),
        ]),
      },
    });
    central.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Principal: { AWS: '*' },
            Condition: inOrganization,
          }),
        ]),
      },
    });
    central.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'security@example.com',
      FilterPolicy: {
        $or: [{ severity: ['critical', 'high', 'digest', 'report'] }, { ruleId: ['monitor.unhealthy'] }],
      },
    });
  });

  it('refuses an organization id that is not one', () => {
    expect(() => appSettings({ centralOrganizationId: 'acme' })).toThrow(/centralOrganizationId: .*o-/);
    expect(() => appSettings({ centralTopicArn: 'trustwatch-organization-alerts' })).toThrow(
      /centralTopicArn/,
    );
  });
});

describe("each account's baseline and config from S3 (one template for every account)", () => {
  const org = synth(ORGANIZATION_CONTEXT);
  type Fn = { Properties: { FunctionName: string; Environment: { Variables: Record<string, unknown> } } };
  const functions = () =>
    Object.values(org.template.findResources('AWS::Lambda::Function') as Record<string, Fn>).map(
      (f) => f.Properties,
    );

  it('tells the functions that read settings where the files are, and bundles no baseline', () => {
    const reading = functions()
      .filter((f) => f.Environment.Variables.TRUSTWATCH_BASELINE_LOCATION)
      .map((f) => f.FunctionName)
      .sort();
    expect(reading).toEqual([
      'trustwatch-activity-scan',
      'trustwatch-alarm-relay',
      'trustwatch-audit',
      'trustwatch-daily-digest',
      'trustwatch-iam-event',
      'trustwatch-monthly-report',
    ]);
    for (const f of functions()) {
      expect(f.Environment.Variables.TRUSTWATCH_BASELINE).toBeUndefined();
      if (f.Environment.Variables.TRUSTWATCH_BASELINE_LOCATION)
        expect(f.Environment.Variables.TRUSTWATCH_BASELINE_LOCATION).toBe(
          ORGANIZATION_CONTEXT.baselineLocation,
        );
    }
    const monitor = org.monitor.node.findChild('Monitor') as TrustwatchMonitor;
    expect(Object.keys(monitor.deployedFiles)).toEqual(['trustwatch.config.json']);
  });

  it("grants the objects under the deploying account's id, resolved by CloudFormation, not at synth", () => {
    const text = JSON.stringify(org.template.toJSON());
    expect(text).toContain(
      ':s3:::acme-trustwatch-baselines/org/baselines/",{"Ref":"AWS::AccountId"},"/baseline.json"',
    );
    expect(text).toContain(
      ':s3:::acme-trustwatch-baselines/org/baselines/",{"Ref":"AWS::AccountId"},"/trustwatch.config.json"',
    );
    expect(text).toContain(
      ':s3:::acme-trustwatch-baselines/org/baselines/",{"Ref":"AWS::AccountId"},"/baseline.proposed.json"',
    );
  });

  it('refuses a bundled baseline with a location, a bad location, and a key without a location', () => {
    expect(() =>
      synth({ ...ORGANIZATION_CONTEXT, baselineFile: 'examples/sample-account/baseline.json' }),
    ).toThrow('give baselineFile (one bundled baseline, one account) or baselineLocation');
    expect(() => synth({ region: 'us-east-1', baselineLocation: 's3://Not_A_Bucket/x' })).toThrow(
      'TrustwatchMonitor: baselineLocation "s3://Not_A_Bucket/x": the bucket name "Not_A_Bucket" is not a valid S3 bucket name',
    );
    expect(() => synth({ region: 'us-east-1', baselineLocation: 'https://example.com/x' })).toThrow(
      'baselineLocation: s3://BUCKET/PREFIX',
    );
    expect(() =>
      synth({ region: 'us-east-1', baselineLocationKeyArn: ORGANIZATION_CONTEXT.baselineLocationKeyArn }),
    ).toThrow('baselineLocationKeyArn is given without a baselineLocation');
  });
});
