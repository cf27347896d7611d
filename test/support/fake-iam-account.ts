import { type FakeAnswer, type FakeIam, iamError, startFakeIam } from './fake-iam.js';

/**
 * An IAM account held in memory and served over IAM's Query protocol (through `startFakeIam`) the way
 * AWS serves it, where moto does not: every list pages at `MaxItems` (default 100, at most 1,000)
 * with `IsTruncated` and an opaque `Marker`, GetAccountAuthorizationDetails included (its users,
 * roles and policies counted together, in that order); the credential report is generated in the
 * background (GenerateCredentialReport answers STARTED, then INPROGRESS until it is done, then
 * COMPLETE, and reuses a report for 4 hours) and GetCredentialReport answers ReportNotPresent (410)
 * or ReportInProgress (404) until then. Hand-written from the IAM API reference.
 */
export interface FakeAccount {
  id: string;
  roles: FakeRole[];
  users: FakeUser[];
  /** Customer-managed policies (one version, v1). */
  policies: FakePolicy[];
  /** OIDC providers by issuer (`token.actions.githubusercontent.com`). */
  providers: { url: string; audiences: string[] }[];
}

export interface FakeRole {
  name: string;
  path: string;
  created: string;
  trustPolicy: object;
  maxSessionDuration: number;
  tags: Record<string, string>;
  lastUsed?: { date: string; region: string };
  /** Policy ARNs: customer-managed (of `policies`) or AWS-managed (`arn:aws:iam::aws:policy/…`). */
  attached: string[];
  inline: { name: string; document: object }[];
}

export interface FakeUser {
  name: string;
  path: string;
  created: string;
  tags: Record<string, string>;
  keys: FakeKey[];
}

export interface FakeKey {
  id: string;
  active: boolean;
  created: string;
  lastUsed?: { date: string; service: string; region: string };
}

export interface FakePolicy {
  name: string;
  path: string;
  created: string;
  document: object;
}

export interface FakeIamAccount extends FakeIam {
  /** Forgets the credential report, as if none had been generated. */
  forgetReport(): void;
}

export interface FakeIamAccountOptions {
  /** How long a credential report takes to generate. @default 1000 */
  reportGenerationMs?: number;
}

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
/** IAM reuses a credential report for 4 hours; GetCredentialReport calls it expired after that. */
const REPORT_LIFETIME_MS = 4 * 3600_000;
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** A text element; nothing when the value is undefined. */
const text = (name: string, value: string | number | boolean | undefined) =>
  value === undefined ? '' : `<${name}>${xmlEscape(String(value))}</${name}>`;
const list = (name: string, members: string[]) =>
  `<${name}>${members.map((m) => `<member>${m}</member>`).join('')}</${name}>`;
/** Documents as IAM returns them: URL-encoded JSON (RFC 3986). */
const encoded = (document: object) => encodeURIComponent(JSON.stringify(document));
const tagList = (tags: Record<string, string>) =>
  list(
    'Tags',
    Object.entries(tags).map(([key, value]) => text('Key', key) + text('Value', value)),
  );

function ok(action: string, result: string, namespace = IAM_NS): FakeAnswer {
  return {
    body: `<${action}Response xmlns="${namespace}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>fake-${action}</RequestId></ResponseMetadata></${action}Response>`,
  };
}

class Rejection extends Error {
  constructor(readonly answer: FakeAnswer) {
    super(answer.body);
  }
}

const noSuch = (what: string) => new Rejection(iamError('NoSuchEntity', `The ${what} cannot be found.`, 404));

/** One page of `items` from the request's Marker, at most MaxItems long, with IsTruncated and Marker. */
function page<T>(items: T[], params: URLSearchParams, action: string): { items: T[]; paging: string } {
  const maxItems = Number(params.get('MaxItems') ?? DEFAULT_PAGE);
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > MAX_PAGE) {
    throw new Rejection(
      iamError(
        'ValidationError',
        `1 validation error detected: Value '${params.get('MaxItems')}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000`,
      ),
    );
  }
  const marker = params.get('Marker');
  let from = 0;
  if (marker !== null) {
    const [markerAction, offset] = Buffer.from(marker, 'base64').toString().split(':');
    from = Number(offset);
    if (markerAction !== action || !Number.isInteger(from) || from < 0 || from > items.length) {
      throw new Rejection(iamError('ValidationError', 'Invalid Marker.'));
    }
  }
  const to = Math.min(items.length, from + maxItems);
  const truncated = to < items.length;
  return {
    items: items.slice(from, to),
    paging:
      text('IsTruncated', truncated) +
      (truncated ? text('Marker', Buffer.from(`${action}:${to}`).toString('base64')) : ''),
  };
}

/** The values of a Query list parameter (`Filter.member.1`, `Filter.member.2`, …). */
function members(params: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; params.has(`${name}.member.${i}`); i++) out.push(params.get(`${name}.member.${i}`) ?? '');
  return out;
}

const csvDate = (iso: string | undefined) => (iso ? iso.replace(/\.\d+Z$|Z$/, '+00:00') : 'N/A');

/** The credential report's CSV as IAM writes it: the account root first, then every user. */
function credentialReport(account: FakeAccount, now: string): string {
  const header =
    'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
  const key = (k: FakeKey | undefined) =>
    k
      ? [
          String(k.active),
          csvDate(k.created),
          csvDate(k.lastUsed?.date),
          k.lastUsed?.region ?? 'N/A',
          k.lastUsed?.service ?? 'N/A',
        ]
      : ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
  const root = [
    '<root_account>',
    `arn:aws:iam::${account.id}:root`,
    csvDate(now),
    'not_supported',
    'N/A',
    'not_supported',
    'not_supported',
    'true',
    ...key(undefined),
    ...key(undefined),
    'false',
    'N/A',
    'false',
    'N/A',
  ];
  const rows = account.users.map((u) => [
    u.name,
    userArn(account, u),
    csvDate(u.created),
    'false',
    'N/A',
    'N/A',
    'N/A',
    'false',
    ...key(u.keys[0]),
    ...key(u.keys[1]),
    'false',
    'N/A',
    'false',
    'N/A',
  ]);
  return [header, root.join(','), ...rows.map((r) => r.join(','))].join('\n');
}

const roleArn = (account: FakeAccount, r: FakeRole) => `arn:aws:iam::${account.id}:role${r.path}${r.name}`;
const userArn = (account: FakeAccount, u: FakeUser) => `arn:aws:iam::${account.id}:user${u.path}${u.name}`;
const policyArn = (account: FakeAccount, p: FakePolicy) =>
  `arn:aws:iam::${account.id}:policy${p.path}${p.name}`;
const providerArn = (account: FakeAccount, url: string) => `arn:aws:iam::${account.id}:oidc-provider/${url}`;
/** Stable ids of IAM's form (AROA…, AIDA…, ANPA…), from the entity's position. */
const id = (prefix: string, n: number) => `${prefix}${String(n).padStart(17, '0')}`;

export async function startFakeIamAccount(
  account: FakeAccount,
  options: FakeIamAccountOptions = {},
): Promise<FakeIamAccount> {
  const generationMs = options.reportGenerationMs ?? 1000;
  let report: { startedAt: number; csv: string } | undefined;
  const reportReady = () => report !== undefined && Date.now() >= report.startedAt + generationMs;
  const reportExpired = () =>
    report !== undefined && Date.now() >= report.startedAt + generationMs + REPORT_LIFETIME_MS;

  const roles = new Map(account.roles.map((r, i) => [r.name, { role: r, n: i }]));
  const users = new Map(account.users.map((u, i) => [u.name, { user: u, n: i }]));
  const policies = new Map(account.policies.map((p, i) => [policyArn(account, p), { policy: p, n: i }]));
  const keys = new Map(account.users.flatMap((u) => u.keys.map((k) => [k.id, { key: k, user: u }] as const)));
  const role = (name: string | null) => roles.get(name ?? '') ?? throwing(noSuch(`role with name ${name}`));
  const user = (name: string | null) => users.get(name ?? '') ?? throwing(noSuch(`user with name ${name}`));
  const policy = (arn: string | null) => policies.get(arn ?? '') ?? throwing(noSuch(`Policy ${arn}`));

  const roleBase = (r: FakeRole, n: number) =>
    text('Path', r.path) +
    text('RoleName', r.name) +
    text('RoleId', id('AROA', n)) +
    text('Arn', roleArn(account, r)) +
    text('CreateDate', r.created) +
    text('AssumeRolePolicyDocument', encoded(r.trustPolicy));
  const roleLastUsed = (r: FakeRole) =>
    `<RoleLastUsed>${r.lastUsed ? text('LastUsedDate', r.lastUsed.date) + text('Region', r.lastUsed.region) : ''}</RoleLastUsed>`;
  const userBase = (u: FakeUser, n: number) =>
    text('Path', u.path) +
    text('UserName', u.name) +
    text('UserId', id('AIDA', n)) +
    text('Arn', userArn(account, u)) +
    text('CreateDate', u.created);
  const policyName = (arn: string) => policies.get(arn)?.policy.name ?? arn.slice(arn.lastIndexOf('/') + 1);
  const attachedList = (name: string, arns: string[]) =>
    list(
      name,
      arns.map((arn) => text('PolicyName', policyName(arn)) + text('PolicyArn', arn)),
    );
  const policyBase = (p: FakePolicy, n: number) =>
    text('PolicyName', p.name) +
    text('PolicyId', id('ANPA', n)) +
    text('Arn', policyArn(account, p)) +
    text('Path', p.path) +
    text('DefaultVersionId', 'v1') +
    text('AttachmentCount', account.roles.filter((r) => r.attached.includes(policyArn(account, p))).length) +
    text('IsAttachable', true) +
    text('CreateDate', p.created) +
    text('UpdateDate', p.created);
  const version = (p: FakePolicy) =>
    text('Document', encoded(p.document)) +
    text('VersionId', 'v1') +
    text('IsDefaultVersion', true) +
    text('CreateDate', p.created);

  const actions: Record<string, (params: URLSearchParams) => FakeAnswer> = {
    GetCallerIdentity: () =>
      ok(
        'GetCallerIdentity',
        text('Arn', `arn:aws:iam::${account.id}:user/bench`) +
          text('UserId', 'AIDABENCH') +
          text('Account', account.id),
        STS_NS,
      ),
    ListRoles: (params) => {
      const { items, paging } = page(account.roles, params, 'ListRoles');
      return ok(
        'ListRoles',
        list(
          'Roles',
          items.map(
            (r) => roleBase(r, roles.get(r.name)?.n ?? 0) + text('MaxSessionDuration', r.maxSessionDuration),
          ),
        ) + paging,
      );
    },
    GetRole: (params) => {
      const { role: r, n } = role(params.get('RoleName'));
      return ok(
        'GetRole',
        `<Role>${roleBase(r, n)}${text('MaxSessionDuration', r.maxSessionDuration)}${tagList(r.tags)}${roleLastUsed(r)}</Role>`,
      );
    },
    ListAttachedRolePolicies: (params) => {
      const { items, paging } = page(
        role(params.get('RoleName')).role.attached,
        params,
        'ListAttachedRolePolicies',
      );
      return ok('ListAttachedRolePolicies', attachedList('AttachedPolicies', items) + paging);
    },
    ListRolePolicies: (params) => {
      const { items, paging } = page(role(params.get('RoleName')).role.inline, params, 'ListRolePolicies');
      return ok(
        'ListRolePolicies',
        list(
          'PolicyNames',
          items.map((p) => xmlEscape(p.name)),
        ) + paging,
      );
    },
    GetRolePolicy: (params) => {
      const { role: r } = role(params.get('RoleName'));
      const name = params.get('PolicyName');
      const inline =
        r.inline.find((p) => p.name === name) ?? throwing(noSuch(`role policy with name ${name}`));
      return ok(
        'GetRolePolicy',
        text('RoleName', r.name) +
          text('PolicyName', inline.name) +
          text('PolicyDocument', encoded(inline.document)),
      );
    },
    GetPolicy: (params) => {
      const { policy: p, n } = policy(params.get('PolicyArn'));
      return ok('GetPolicy', `<Policy>${policyBase(p, n)}</Policy>`);
    },
    GetPolicyVersion: (params) => {
      const { policy: p } = policy(params.get('PolicyArn'));
      if (params.get('VersionId') !== 'v1') throw noSuch(`policy version ${params.get('VersionId')}`);
      return ok('GetPolicyVersion', `<PolicyVersion>${version(p)}</PolicyVersion>`);
    },
    ListUsers: (params) => {
      const { items, paging } = page(account.users, params, 'ListUsers');
      return ok(
        'ListUsers',
        list(
          'Users',
          items.map((u) => userBase(u, users.get(u.name)?.n ?? 0)),
        ) + paging,
      );
    },
    ListUserTags: (params) => {
      const tags = Object.entries(user(params.get('UserName')).user.tags);
      const { items, paging } = page(tags, params, 'ListUserTags');
      return ok('ListUserTags', tagList(Object.fromEntries(items)) + paging);
    },
    ListAccessKeys: (params) => {
      const { user: u } = user(params.get('UserName'));
      const { items, paging } = page(u.keys, params, 'ListAccessKeys');
      return ok(
        'ListAccessKeys',
        list(
          'AccessKeyMetadata',
          items.map(
            (k) =>
              text('UserName', u.name) +
              text('AccessKeyId', k.id) +
              text('Status', k.active ? 'Active' : 'Inactive') +
              text('CreateDate', k.created),
          ),
        ) + paging,
      );
    },
    GetAccessKeyLastUsed: (params) => {
      const found = keys.get(params.get('AccessKeyId') ?? '');
      if (!found)
        throw new Rejection(iamError('AccessDenied', 'The access key does not belong to this account.', 403));
      const used = found.key.lastUsed;
      return ok(
        'GetAccessKeyLastUsed',
        text('UserName', found.user.name) +
          `<AccessKeyLastUsed>${used ? text('LastUsedDate', used.date) + text('ServiceName', used.service) + text('Region', used.region) : text('ServiceName', 'N/A') + text('Region', 'N/A')}</AccessKeyLastUsed>`,
      );
    },
    GetAccountAuthorizationDetails: (params) => {
      const filter = members(params, 'Filter');
      const wants = (kind: string) => filter.length === 0 || filter.includes(kind);
      type Item =
        | { kind: 'user'; user: FakeUser }
        | { kind: 'role'; role: FakeRole }
        | { kind: 'policy'; policy: FakePolicy };
      const all: Item[] = [
        ...(wants('User') ? account.users.map((u) => ({ kind: 'user' as const, user: u })) : []),
        ...(wants('Role') ? account.roles.map((r) => ({ kind: 'role' as const, role: r })) : []),
        ...(wants('LocalManagedPolicy')
          ? account.policies.map((p) => ({ kind: 'policy' as const, policy: p }))
          : []),
      ];
      const { items, paging } = page(all, params, 'GetAccountAuthorizationDetails');
      const usersXml: string[] = [];
      const rolesXml: string[] = [];
      const policiesXml: string[] = [];
      for (const item of items) {
        if (item.kind === 'user') {
          const u = item.user;
          usersXml.push(
            `${userBase(u, users.get(u.name)?.n ?? 0)}<UserPolicyList/><GroupList/><AttachedManagedPolicies/>${tagList(u.tags)}`,
          );
        } else if (item.kind === 'role') {
          const r = item.role;
          const inline = r.inline.map(
            (p) => text('PolicyName', p.name) + text('PolicyDocument', encoded(p.document)),
          );
          rolesXml.push(
            `${roleBase(r, roles.get(r.name)?.n ?? 0)}<InstanceProfileList/>${list('RolePolicyList', inline)}${attachedList('AttachedManagedPolicies', r.attached)}${tagList(r.tags)}${roleLastUsed(r)}`,
          );
        } else {
          const p = item.policy;
          const n = policies.get(policyArn(account, p))?.n ?? 0;
          policiesXml.push(`${policyBase(p, n)}${list('PolicyVersionList', [version(p)])}`);
        }
      }
      return ok(
        'GetAccountAuthorizationDetails',
        list('UserDetailList', usersXml) +
          '<GroupDetailList/>' +
          list('RoleDetailList', rolesXml) +
          list('Policies', policiesXml) +
          paging,
      );
    },
    GenerateCredentialReport: () => {
      if (report === undefined || reportExpired()) {
        report = { startedAt: Date.now(), csv: credentialReport(account, new Date().toISOString()) };
        return ok(
          'GenerateCredentialReport',
          text('State', 'STARTED') +
            text('Description', 'No report exists. Starting a new report generation task'),
        );
      }
      return reportReady()
        ? ok('GenerateCredentialReport', text('State', 'COMPLETE'))
        : ok(
            'GenerateCredentialReport',
            text('State', 'INPROGRESS') + text('Description', 'Report generation in progress'),
          );
    },
    GetCredentialReport: () => {
      if (report === undefined) {
        throw new Rejection(
          iamError(
            'ReportNotPresent',
            'Credential report not present. Generate one with GenerateCredentialReport.',
            410,
          ),
        );
      }
      if (reportExpired())
        throw new Rejection(iamError('ReportExpired', 'The credential report has expired.', 410));
      if (!reportReady())
        throw new Rejection(iamError('ReportInProgress', 'Credential report is being generated.', 404));
      return ok(
        'GetCredentialReport',
        text('Content', Buffer.from(report.csv).toString('base64')) +
          text('ReportFormat', 'text/csv') +
          text('GeneratedTime', new Date(report.startedAt + generationMs).toISOString()),
      );
    },
    ListOpenIDConnectProviders: () =>
      ok(
        'ListOpenIDConnectProviders',
        list(
          'OpenIDConnectProviderList',
          account.providers.map((p) => text('Arn', providerArn(account, p.url))),
        ),
      ),
    GetOpenIDConnectProvider: (params) => {
      const arn = params.get('OpenIDConnectProviderArn');
      const provider =
        account.providers.find((p) => providerArn(account, p.url) === arn) ??
        throwing(noSuch(`OpenIDConnect provider ${arn}`));
      return ok(
        'GetOpenIDConnectProvider',
        text('Url', provider.url) +
          list('ClientIDList', provider.audiences.map(xmlEscape)) +
          list('ThumbprintList', []) +
          text('CreateDate', '2024-01-01T00:00:00Z'),
      );
    },
  };

  const server = await startFakeIam((action, params) => {
    const handle = actions[action];
    if (!handle) return iamError('InvalidAction', `The action ${action} is not valid for this web service.`);
    try {
      return handle(params);
    } catch (error) {
      if (error instanceof Rejection) return error.answer;
      throw error;
    }
  });
  return {
    ...server,
    forgetReport: () => {
      report = undefined;
    },
  };
}

function throwing(rejection: Rejection): never {
  throw rejection;
}
