import { type App, CliCredentialsStackSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Severity } from '../shared/rules/rule.js';
import type { AppSettings } from './app-context.js';
import { TrustwatchBaselineBucket } from './baseline-bucket.js';
import { TrustwatchCentralTopic } from './central.js';
import { TrustwatchCentralReports } from './central-reports.js';
import { TrustwatchEventForwarder } from './forwarder.js';
import { TrustwatchMonitor } from './monitor.js';
import { IAM_EVENTS_REGION } from './watched-events.js';

export interface TrustwatchStacks {
  monitor: Stack;
  /** One per region whose events the monitor needs, other than its own. */
  forwarders: Stack[];
  /** The organization's topic and report bucket, when the context names an organization. */
  central?: Stack;
  /** The organization's baseline bucket, when the context names one. */
  baselines?: Stack;
}

const DESCRIPTION = 'trustwatch: continuous compliance for CI access into AWS';

/**
 * The monitor's stack in its region, and a forwarder stack in us-east-1 (IAM's events) and in every
 * other watched region. The stacks share no references: the forwarders name the monitor's bus. With an
 * asset bucket, the templates name it instead of the CDK bootstrap bucket and need no bootstrap, so
 * that a StackSet can deploy them to any account (see the README).
 */
export function trustwatchStacks(app: App, settings: AppSettings, props: StackProps = {}): TrustwatchStacks {
  const stack = (id: string, region: string, description: string) =>
    new Stack(app, id, {
      ...props,
      description,
      env: { ...props.env, region },
      // A synthesizer serves one stack: each gets its own.
      ...(settings.assetBucket
        ? {
            synthesizer: new CliCredentialsStackSynthesizer({
              fileAssetsBucketName: settings.assetBucket,
              bucketPrefix: 'trustwatch/',
            }),
          }
        : {}),
    });
  const monitor = stack('Trustwatch', settings.region, DESCRIPTION);
  new TrustwatchMonitor(monitor, 'Monitor', settings.monitor);
  const watched = settings.monitor.watchedRegions;
  const regions = [...new Set([IAM_EVENTS_REGION, ...watched])].filter((r) => r !== settings.region);
  const forwarders = regions.map((region) => {
    const forwarder = stack(
      `TrustwatchEvents-${region}`,
      region,
      `${DESCRIPTION} (events of ${region} to ${settings.region})`,
    );
    new TrustwatchEventForwarder(forwarder, 'Forwarder', {
      monitorRegion: settings.region,
      watched: watched.includes(region),
      ...(settings.monitor.prefix ? { prefix: settings.monitor.prefix } : {}),
    });
    forwarder.addStackDependency(monitor, 'events are sent to the monitor bus');
    return forwarder;
  });
  if (!settings.centralOrganizationId) return { monitor, forwarders };
  const central = stack(
    'TrustwatchCentral',
    settings.region,
    `${DESCRIPTION} (the organization's alert topic, report bucket and monthly roll-up)`,
  );
  const centralTopic = new TrustwatchCentralTopic(central, 'Central', {
    organizationId: settings.centralOrganizationId,
    ...(settings.monitor.alertEmails ? { alertEmails: settings.monitor.alertEmails } : {}),
    ...(settings.monitor.config?.alerts?.email
      ? { emailMinimum: settings.monitor.config.alerts.email as Severity }
      : {}),
    ...(settings.monitor.prefix ? { prefix: settings.monitor.prefix } : {}),
  });
  new TrustwatchCentralReports(central, 'Reports', {
    organizationId: settings.centralOrganizationId,
    ...(settings.monitor.prefix ? { prefix: settings.monitor.prefix } : {}),
    rollup: {
      alarmAction: new SnsAction(centralTopic.watchdog),
      ...(settings.centralAccounts ? { expectedAccounts: settings.centralAccounts } : {}),
    },
  });
  if (!settings.baselineBucketName) return { monitor, forwarders, central };
  const baselines = stack(
    'TrustwatchBaselines',
    settings.region,
    `${DESCRIPTION} (the organization's reviewed baselines)`,
  );
  new TrustwatchBaselineBucket(baselines, 'Baselines', {
    organizationId: settings.centralOrganizationId,
    bucketName: settings.baselineBucketName,
  });
  return { monitor, forwarders, central, baselines };
}
