import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallCounter, createClients, createIamClient, totalCalls } from '../../shared/inventory/clients.js';

describe('CallCounter', () => {
  it('counts per operation and tells what was added since an earlier count', () => {
    const calls = new CallCounter();
    calls.record('iam:ListRoles');
    const before = calls.counts();
    calls.record('iam:ListRoles');
    calls.record('iam:GetAccountAuthorizationDetails');
    expect(calls.counts()).toEqual({ 'iam:GetAccountAuthorizationDetails': 1, 'iam:ListRoles': 2 });
    expect(calls.since(before)).toEqual({ 'iam:GetAccountAuthorizationDetails': 1, 'iam:ListRoles': 1 });
    expect(totalCalls(calls.counts())).toBe(3);
  });
});

describe('createClients', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('uses the region given, else the SDK chain, else us-east-1 (IAM is global)', async () => {
    expect(await createClients({ region: 'eu-west-1' }).sts.config.region()).toBe('eu-west-1');
    vi.stubEnv('AWS_REGION', 'ap-southeast-2');
    expect(await createClients().iam.config.region()).toBe('ap-southeast-2');
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/trustwatch-test-config');
    expect(await createClients().iam.config.region()).toBe('us-east-1');
    expect(await createIamClient().config.region()).toBe('us-east-1');
  });

  it('retries adaptively', async () => {
    const { iam, sts } = createClients();
    for (const client of [iam, sts, createIamClient()]) {
      expect(await client.config.retryStrategy()).toMatchObject({ mode: 'adaptive' });
      expect(await client.config.maxAttempts()).toBe(6);
    }
  });
});
