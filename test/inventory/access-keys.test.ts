import { readFileSync } from 'node:fs';
import { IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { assignKeyIds, nameKeys } from '../../shared/inventory/access-keys.js';
import { createClients } from '../../shared/inventory/clients.js';
import type { User } from '../../shared/inventory/snapshot.js';
import { type FakeIam, startFakeIam } from '../support/fake-iam.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/iam_api_responses/${name}`, import.meta.url), 'utf8');

const bob: User = {
  name: 'Bob',
  arn: 'arn:aws:iam::123456789012:user/Bob',
  path: '/',
  tags: {},
  keys: [
    { slot: 1, active: true, created: '2016-12-03T18:53:41.000Z' },
    { slot: 2, active: false, created: '2017-03-25T20:38:14.000Z' },
  ],
};

describe('nameKeys', () => {
  let fake: FakeIam | undefined;
  afterEach(() => fake?.close());

  it("reads AWS's published ListAccessKeys sample with the real SDK client", async () => {
    fake = await startFakeIam(() => ({ body: fixture('aws-apiref_ListAccessKeys_sample-response.xml') }));
    const { iam, calls } = createClients({
      endpoint: fake.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const { keys, gaps } = await nameKeys(iam, ['Bob', 'Bob']);
    expect(gaps).toEqual([]);
    expect(keys.get('Bob')).toEqual([
      { id: 'AKIA1234567890EXAMPLE', active: true, created: '2016-12-03T18:53:41.000Z' },
      { id: 'AKIA2345678901EXAMPLE', active: false, created: '2017-03-25T20:38:14.000Z' },
    ]);
    // One call per distinct user.
    expect(calls.counts()).toEqual({ 'iam:ListAccessKeys': 1 });
  });

  it('reports a user whose keys cannot be listed, naming the permission, and names the others', async () => {
    const iam = new IAMClient({ region: 'us-east-1' });
    const iamMock = mockClient(iam);
    iamMock
      .on(ListAccessKeysCommand, { UserName: 'locked' })
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }))
      .on(ListAccessKeysCommand, { UserName: 'ci' })
      .resolves({ AccessKeyMetadata: [{ UserName: 'ci', AccessKeyId: 'AKIAEXAMPLE', Status: 'Active' }] });
    const { keys, gaps } = await nameKeys(iam, ['locked', 'ci']);
    expect(keys.get('ci')).toEqual([{ id: 'AKIAEXAMPLE', active: true }]);
    expect(keys.has('locked')).toBe(false);
    expect(gaps).toEqual([
      {
        resource: 'user locked',
        operation: 'iam:ListAccessKeys',
        reason:
          'iam:ListAccessKeys denied on user locked: grant iam:ListAccessKeys to the audit role (not authorized)',
      },
    ]);
  });
});

describe('assignKeyIds', () => {
  it('matches report slots to listed keys by creation time and status', () => {
    const named = assignKeyIds(bob, [
      { id: 'AKIA2', active: false, created: '2017-03-25T20:38:14.421Z' },
      { id: 'AKIA1', active: true, created: '2016-12-03T18:53:41.087Z' },
    ]);
    expect(named.keys.map((k) => k.id)).toEqual(['AKIA1', 'AKIA2']);
  });

  it('accepts a listed time rounded into the next second, never one before the report second', () => {
    const named = assignKeyIds(bob, [
      { id: 'AKIA1', active: true, created: '2016-12-03T18:53:42.000Z' },
      { id: 'AKIA2', active: false, created: '2017-03-25T20:38:13.999Z' },
    ]);
    expect(named.keys.map((k) => k.id)).toEqual(['AKIA1', undefined]);
  });

  it('leaves the id out rather than guess when nothing or more than one key matches', () => {
    const named = assignKeyIds(bob, [
      { id: 'AKIA-NEW', active: true, created: '2024-01-01T00:00:00.000Z' },
      { id: 'AKIA-A', active: false, created: '2017-03-25T20:38:14.000Z' },
      { id: 'AKIA-B', active: false, created: '2017-03-25T20:38:14.900Z' },
    ]);
    expect(named.keys.map((k) => k.id)).toEqual([undefined, undefined]);
  });
});
