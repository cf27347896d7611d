import { type App, Stack, type StackProps } from 'aws-cdk-lib';
import type { AppSettings } from './app-context.js';
import { TrustwatchEventForwarder } from './forwarder.js';
import { TrustwatchMonitor } from './monitor.js';
import { IAM_EVENTS_REGION } from './watched-events.js';

export interface TrustwatchStacks {
  monitor: Stack;
  /** One per region whose events the monitor needs, other than its own. */
  forwarders: Stack[];
}

/**
 * The monitor's stack in its region, and a forwarder stack in us-east-1 (IAM's events) and in every
 * other watched region. The stacks share no references: the forwarders name the monitor's bus.
 */
export function trustwatchStacks(app: App, settings: AppSettings, props: StackProps = {}): TrustwatchStacks {
  const description = 'trustwatch: continuous compliance for CI access into AWS';
  const monitor = new Stack(app, 'Trustwatch', {
    ...props,
    description,
    env: { ...props.env, region: settings.region },
  });
  new TrustwatchMonitor(monitor, 'Monitor', settings.monitor);
  const watched = settings.monitor.watchedRegions;
  const regions = [...new Set([IAM_EVENTS_REGION, ...watched])].filter((r) => r !== settings.region);
  const forwarders = regions.map((region) => {
    const stack = new Stack(app, `TrustwatchEvents-${region}`, {
      ...props,
      description: `${description} (events of ${region} to ${settings.region})`,
      env: { ...props.env, region },
    });
    new TrustwatchEventForwarder(stack, 'Forwarder', {
      monitorRegion: settings.region,
      watched: watched.includes(region),
      ...(settings.monitor.prefix ? { prefix: settings.monitor.prefix } : {}),
    });
    // The bus must exist before events are sent to it.
    stack.addStackDependency(monitor, 'events are sent to the monitor bus');
    return stack;
  });
  return { monitor, forwarders };
}
