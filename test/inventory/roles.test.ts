import { readFileSync } from 'node:fs';
import { IAMClient, ListRolesCommand, type Role } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createClients, totalCalls } from '../../shared/inventory/clients.js';
import { decodeDocument, listRoles } from '../../shared/inventory/roles.js';
import { type FakeIam, iamError, startFakeIam } from '../support/fake-iam.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/iam_api_responses/${name}`, import.meta.url), 'utf8');

const EC2_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
};

describe('decodeDocument', () => {
  it('decodes a URL-encoded trust policy as IAM returns it (CreateRole response recorded by CloudTrail)', () => {
    expect(decodeDocument(fixture('stratus_create-role_assumeRolePolicyDocument_url-encoded.txt'))).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::193672423079:root' }, Action: 'sts:AssumeRole' },
      ],
    });
  });

  it('reads a document that arrives decoded, as from moto and older SDKs', () => {
    expect(decodeDocument(JSON.stringify(EC2_TRUST))).toEqual(EC2_TRUST);
  });

  it('fails on text that is not a JSON document', () => {
    expect(() => decodeDocument('<URL-encoded-JSON>')).toThrow();
    expect(() => decodeDocument('%7B%ZZ')).toThrow('not valid percent-encoding');
  });
});

describe('listRoles with the real SDK client', () => {
  let fake: FakeIam | undefined;
  afterEach(() => fake?.close());

  it("reads AWS's published ListRoles sample (decoded, with tabs and line breaks in the document)", async () => {
    fake = await startFakeIam(() => ({ body: fixture('aws-apiref_ListRoles_sample-response.xml') }));
    const { iam } = clientsFor(fake);
    const { roles, gaps } = await listRoles(iam);
    expect(gaps).toEqual([]);
    expect(roles).toEqual([
      {
        name: 'S3Access',
        arn: 'arn:aws:iam::123456789012:role/application_abc/component_xyz/S3Access',
        path: '/application_abc/component_xyz/',
        created: '2012-05-09T15:45:35.000Z',
        trustPolicy: EC2_TRUST,
        maxSessionDuration: 3600,
        tags: {},
      },
      expect.objectContaining({ name: 'SDBAccess', trustPolicy: EC2_TRUST }),
    ]);
  });

  it('retries throttled pages (adaptive mode) and counts every request sent', async () => {
    let throttled = false;
    fake = await startFakeIam(() => {
      if (!throttled) {
        throttled = true;
        return iamError('Throttling', 'Rate exceeded');
      }
      return { body: fixture('aws-apiref_ListRoles_sample-response.xml') };
    });
    const clients = clientsFor(fake);
    const { roles, gaps } = await listRoles(clients.iam);
    expect(gaps).toEqual([]);
    expect(roles).toHaveLength(2);
    expect(fake.actions).toEqual(['ListRoles', 'ListRoles']);
    expect(clients.calls.counts()).toEqual({ 'iam:ListRoles': 2 });
    expect(totalCalls(clients.calls.counts())).toBe(2);
  });

  it('keeps the roles read when throttling outlasts the retries, and says how far it got', async () => {
    fake = await startFakeIam(() => iamError('Throttling', 'Rate exceeded'));
    const { iam } = clientsFor(fake, 2);
    const { roles, gaps } = await listRoles(iam);
    expect(roles).toEqual([]);
    expect(gaps).toEqual([
      {
        resource: 'every role',
        operation: 'iam:ListRoles',
        reason: 'iam:ListRoles on every role still throttled after 2 attempts: Rate exceeded',
      },
    ]);
  });
});

describe('listRoles across pages (aws-sdk-client-mock)', () => {
  const iam = new IAMClient({ region: 'us-east-1' });
  const iamMock = mockClient(iam);
  afterEach(() => iamMock.reset());

  const role = (name: string) => ({
    RoleName: name,
    RoleId: `AROA${name}`,
    Path: '/',
    Arn: `arn:aws:iam::123456789012:role/${name}`,
    CreateDate: new Date('2024-01-01T00:00:00Z'),
    AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(EC2_TRUST)),
    MaxSessionDuration: 7200,
  });

  it('follows markers and decodes the URL-encoded trust policies AWS sends', async () => {
    iamMock
      .on(ListRolesCommand)
      .callsFake((input: { Marker?: string }) =>
        input.Marker
          ? { Roles: [role('b')], IsTruncated: false }
          : { Roles: [role('a')], IsTruncated: true, Marker: 'page-2' },
      );
    const pages: number[] = [];
    const { roles } = await listRoles(iam, { pageSize: 1, onPage: (n) => pages.push(n) });
    expect(roles.map((r) => [r.name, r.trustPolicy, r.maxSessionDuration])).toEqual([
      ['a', EC2_TRUST, 7200],
      ['b', EC2_TRUST, 7200],
    ]);
    expect(pages).toEqual([1, 2]);
    expect(iamMock).toHaveReceivedCommandWith(ListRolesCommand, { MaxItems: 1, Marker: 'page-2' });
  });

  it('ends with a gap, keeping earlier pages, when a later page fails', async () => {
    iamMock.on(ListRolesCommand).callsFake((input: { Marker?: string }) => {
      if (input.Marker)
        throw Object.assign(new Error('We encountered an internal error'), { name: 'ServiceFailure' });
      return { Roles: [role('a')], IsTruncated: true, Marker: 'page-2' };
    });
    const { roles, gaps } = await listRoles(iam);
    expect(roles.map((r) => r.name)).toEqual(['a']);
    expect(gaps).toEqual([
      {
        resource: 'the roles after the first 1',
        operation: 'iam:ListRoles',
        reason:
          'iam:ListRoles on the roles after the first 1 failed: ServiceFailure: We encountered an internal error',
      },
    ]);
  });

  it('reads trust policies that arrive decoded, as in the AWS CLI example', async () => {
    const example = JSON.parse(fixture('awscli-example_iam_list-roles_output1.json')) as {
      Roles: (Omit<Role, 'CreateDate' | 'AssumeRolePolicyDocument'> & {
        CreateDate: string;
        AssumeRolePolicyDocument: unknown;
      })[];
    };
    // The CLI prints the document parsed; on the wire, decoded, it is JSON text.
    const roles = example.Roles.map((r) => ({
      ...r,
      CreateDate: new Date(r.CreateDate),
      AssumeRolePolicyDocument: JSON.stringify(r.AssumeRolePolicyDocument),
    }));
    iamMock.on(ListRolesCommand).resolves({ Roles: roles });
    const listing = await listRoles(iam);
    expect(listing.gaps).toEqual([]);
    expect(listing.roles.map((r) => [r.name, r.path, r.created, r.trustPolicy])).toEqual(
      example.Roles.map((r) => [
        r.RoleName,
        r.Path,
        new Date(r.CreateDate).toISOString(),
        r.AssumeRolePolicyDocument,
      ]),
    );
    expect(listing.roles[1]?.path).toBe('/example_path/');
  });

  it('keeps a trust policy that does not decode as IAM sent it, with a gap', async () => {
    iamMock
      .on(ListRolesCommand)
      .resolves({ Roles: [{ ...role('odd'), AssumeRolePolicyDocument: '<URL-encoded-JSON>' }] });
    const { roles, gaps } = await listRoles(iam);
    expect(roles[0]?.trustPolicy).toBe('<URL-encoded-JSON>');
    expect(gaps).toEqual([
      {
        resource: 'arn:aws:iam::123456789012:role/odd',
        operation: 'decode trust policy',
        reason: expect.stringMatching(/^not a JSON policy document: /),
      },
    ]);
  });
});

function clientsFor(fake: FakeIam, maxAttempts?: number) {
  return createClients({
    endpoint: fake.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    ...(maxAttempts ? { maxAttempts } : {}),
  });
}
