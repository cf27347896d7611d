import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';

/** IAM is global; STS and the SDK still need a region, and this one always exists. */
const DEFAULT_REGION = 'us-east-1';

export interface ClientOptions {
  /** A profile of the shared config and credentials files, like `--profile`. */
  profile?: string;
  /** Defaults to the SDK's chain (AWS_REGION, the profile's region), then us-east-1. */
  region?: string;
  /** An emulator's endpoint; without it the SDK reads AWS_ENDPOINT_URL (and _IAM, _STS) itself. */
  endpoint?: string;
  /** Without them the SDK's standard credential chain applies. */
  credentials?: IAMClientConfig['credentials'];
  /** Attempts per call, first one included; throttling and transient errors are retried. */
  maxAttempts?: number;
}

export interface AwsClients {
  iam: IAMClient;
  sts: STSClient;
  calls: CallCounter;
}

/** Requests sent per operation (`iam:ListRoles`), retries included: what IAM rate-limits. */
export class CallCounter {
  readonly #counts = new Map<string, number>();

  record(operation: string): void {
    this.#counts.set(operation, (this.#counts.get(operation) ?? 0) + 1);
  }

  counts(): Record<string, number> {
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** The requests made since `earlier` (a result of `counts()`), operations with none left out. */
  since(earlier: Record<string, number>): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [operation, n] of Object.entries(this.counts())) {
      const made = n - (earlier[operation] ?? 0);
      if (made > 0) out[operation] = made;
    }
    return out;
  }
}

export function totalCalls(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/**
 * IAM and STS clients that retry throttling with the SDK's adaptive mode (a client-side rate
 * limiter that slows down when AWS throttles) and count every request they send.
 */
export function createClients(options: ClientOptions = {}): AwsClients {
  const calls = new CallCounter();
  const config = clientConfig(options);
  const iam = new IAMClient(config);
  const sts = new STSClient(config);
  countCalls(iam, 'iam', calls);
  countCalls(sts, 'sts', calls);
  return { iam, sts, calls };
}

/** The IAM client of `createClients` alone, for code that never calls STS: it bundles no STS client. */
export function createIamClient(options: ClientOptions = {}, calls = new CallCounter()): IAMClient {
  const iam = new IAMClient(clientConfig(options));
  countCalls(iam, 'iam', calls);
  return iam;
}

function clientConfig(options: ClientOptions) {
  return {
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    region: options.region ?? chainRegion(options.profile),
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? 6,
  };
}

/**
 * The region the SDK would pick (environment, then the profile), else us-east-1: IAM needs none of
 * its own, but a profile's region still chooses the partition (aws-cn, aws-us-gov) and STS endpoint.
 */
function chainRegion(profile: string | undefined): () => Promise<string> {
  let resolved: Promise<string> | undefined;
  return () => {
    resolved ??= (async () => {
      // Every client resolves the region through the same chain: IAM's, which every caller has.
      const probe = new IAMClient(profile ? { profile } : {});
      try {
        return await probe.config.region();
      } catch {
        return DEFAULT_REGION;
      } finally {
        probe.destroy();
      }
    })();
    return resolved;
  };
}

/**
 * In the deserialize step, inside the retry loop of the finalize step, so that each attempt counts.
 * The operation is named as in IAM policies, which is also what a missing permission is called.
 */
function countCalls(client: IAMClient | STSClient, service: string, calls: CallCounter): void {
  // The two stacks differ only in their command types, which this middleware does not look at.
  (client as IAMClient).middlewareStack.add(
    (next, context) => (args) => {
      calls.record(`${service}:${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`);
      return next(args);
    },
    { step: 'deserialize', name: 'trustwatchCallCounter', priority: 'high' },
  );
}
