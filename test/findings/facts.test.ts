/**
 * One model of what a finding says: the email, Slack and the monthly report's finding rows (and
 * Security Hub's ProductFields) all render a finding's evidence from `findingFacts`, so that an
 * evidence field shows in every one of them or in none.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../shared/config/config.js';
import { type FindingFacts, factPairs, findingFacts } from '../../shared/findings/facts.js';
import type { Finding } from '../../shared/findings/finding.js';
import { emailText } from '../../shared/notify/email.js';
import { findingAlert } from '../../shared/notify/finding-alert.js';
import { slackMessage } from '../../shared/notify/slack.js';
import { buildReport } from '../../shared/report/aggregate.js';
import { renderHtml } from '../../shared/report/html.js';
import { renderMarkdown } from '../../shared/report/markdown.js';
import { parseMonth } from '../../shared/report/month.js';
import { sampleFindings } from '../notify/sample-alerts.js';

const SUB = (repo: string) => `repo:acme-corp/${repo}:ref:refs/heads/main`;

/**
 * Every evidence field a rule writes (hand-written values), with a word of its value that survives
 * every renderer's escaping: the word must show wherever the finding is rendered.
 */
const KNOWN: [key: string, value: unknown, shows: string][] = [
  ['before', [SUB('beforemark')], 'beforemark'],
  ['after', ['repo:acme-corp/aftermark*'], 'aftermark'],
  ['principalsBefore', ['AWS arn:aws:iam::123456789012:role/pbeforemark'], 'pbeforemark'],
  ['principalsAfter', ['AWS arn:aws:iam::123456789012:role/pnowmark'], 'pnowmark'],
  ['newlyAdmitted', [{ provider: 'p', claims: { sub: SUB('newlymark') } }], 'newlymark'],
  ['noLongerAdmitted', [{ provider: 'p', claims: { sub: SUB('nolongermark') } }], 'nolongermark'],
  ['witness', { claims: { sub: SUB('witnessmark'), aud: 'sts.amazonaws.com' } }, 'witnessmark'],
  [
    'witness',
    { principal: { AWS: 'arn:aws:iam::123456789012:role/principalmark' }, claims: {} },
    'principalmark',
  ],
  [
    'proposedCondition',
    JSON.stringify({ StringEquals: { 'token.actions.githubusercontent.com:sub': [SUB('conditionmark')] } }),
    'conditionmark',
  ],
  ['proposedSubjects', [SUB('usedbymark')], 'usedbymark'],
  ['observedWindow', '2026-08-05 to 2026-11-02, windowmark', 'windowmark'],
  ['subject', SUB('subjectmark'), 'subjectmark'],
  ['audience', 'audiencemark', 'audiencemark'],
  ['errorCode', 'AccessDeniedErrormark', 'AccessDeniedErrormark'],
  ['diagnosis', ['The subject diagnosismark differs in case'], 'diagnosismark'],
  ['provider', 'providermark.example.com', 'providermark.example.com'],
  ['url', 'urlmark.example.com', 'urlmark.example.com'],
  ['audiences', ['audiencesmark'], 'audiencesmark'],
  ['owner', 'ownermark', 'ownermark'],
  ['listedOwners', ['listedmark'], 'listedmark'],
  ['allowedOwners', ['allowedmark'], 'allowedmark'],
  ['repository', 'acme-corp/repositorymark', 'repositorymark'],
  ['statement', 'statementmark', 'statementmark'],
  ['operator', 'StringLikemark', 'StringLikemark'],
  ['key', 'token.actions.githubusercontent.com:keymark', 'keymark'],
  ['value', 'repo:acme-corp/valuemark', 'valuemark'],
  ['conditionKeys', ['token.actions.githubusercontent.com:conditionkeysmark'], 'conditionkeysmark'],
  ['path', '/pathmark/', 'pathmark'],
  ['user', 'usermark', 'usermark'],
  ['role', 'rolemark', 'rolemark'],
  ['renamedFrom', 'renamedmark', 'renamedmark'],
  ['deleted', true, 'deleted'],
  ['keyId', 'AKIAKEYIDMARK', 'AKIAKEYIDMARK'],
  ['slot', '2', 'key 2'],
  ['created', '2025-09-16T09:00:00.000Z', '2025-09-16'],
  ['ageDays', 412, '412 days'],
  [
    'lastUsed',
    { date: '2026-11-01T09:00:00Z', service: 'lastusedmark', region: 'eu-west-1' },
    'lastusedmark',
  ],
  ['activeKeys', [{ keyId: 'AKIAACTIVEMARK' }], 'AKIAACTIVEMARK'],
  ['keys', [{ keyId: 'AKIAKEYSMARK', created: '2025-01-02T00:00:00Z' }], 'AKIAKEYSMARK'],
  ['policies', ['arn:aws:iam::aws:policy/PoliciesMark'], 'PoliciesMark'],
  ['targets', ['arn:aws:iam::123456789012:role/targetsmark'], 'targetsmark'],
  ['maxSessionDuration', 7200, '2 hours'],
  ['target', 'arn:aws:iam::123456789012:role/targetmark', 'targetmark'],
  [
    'suppression',
    { ruleId: 'oidc.any-repo', resource: 'suppressedmark', reason: 'reasonmark', expires: '2027-01-01' },
    'reasonmark',
  ],
  ['notes', ['A note notesmark'], 'notesmark'],
  [
    'event',
    { eventName: 'UpdateAssumeRolePolicy', who: 'arn:aws:iam::123456789012:user/whomark' },
    'whomark',
  ],
  [
    'event',
    { eventTime: '2026-11-02T08:01:00Z', sourceIp: '203.0.113.9', userAgent: 'agentmark/1.0' },
    'agentmark',
  ],
  ['event', { eventName: 'CreateAccessKey', eventId: 'eventidmark' }, 'eventidmark'],
  // Evidence no fact knows how to read is shown as data, by every renderer alike.
  ['policyVersions', [{ version: 'unknownmark', isDefault: true }], 'unknownmark'],
  ['comment', 'commentmark', 'commentmark'],
];

const base: Finding = {
  id: '0123456789abcdef0123456789abcdef',
  ruleId: 'drift.trust-wider',
  severity: 'critical',
  title: 'Trust policy admits more than its baseline',
  resource: { type: 'role', arn: 'arn:aws:iam::111122223333:role/gh-deploy', name: 'gh-deploy' },
  account: '111122223333',
  region: 'us-east-1',
  message: 'gh-deploy changed',
  evidence: {},
  remediation: 'Restore the reviewed trust policy.',
  firstSeen: '2026-10-02T08:01:00.000Z',
  lastSeen: '2026-10-02T08:01:00.000Z',
  status: 'open',
};

/** The finding as each renderer shows it, whole. */
function renderings(finding: Finding): Record<'email' | 'slack' | 'reportHtml' | 'reportMarkdown', string> {
  const alert = findingAlert(finding, finding.account);
  const report = buildReport({
    account: finding.account,
    month: parseMonth('2026-10'),
    findings: [finding],
    assumptions: [],
    config: DEFAULT_CONFIG,
    generatedAt: '2026-11-01T06:00:00Z',
  });
  return {
    email: emailText(alert),
    // As Slack shows it: the JSON's own escapes undone.
    slack: slackTexts(finding),
    reportHtml: renderHtml(report),
    reportMarkdown: renderMarkdown(report),
  };
}

function slackTexts(finding: Finding): string {
  const texts: string[] = [];
  JSON.parse(JSON.stringify(slackMessage(findingAlert(finding, finding.account))), (_key, value) => {
    if (typeof value === 'string') texts.push(value);
    return value;
  });
  return texts.join('\n');
}

describe('every renderer shows the same facts', () => {
  it.each(KNOWN.map(([key, value, shows]) => ({ key, value, shows })))(
    '$key ($shows): in the email, Slack, the report (HTML and Markdown) and the flat pairs',
    ({ key, value, shows }) => {
      const finding = { ...base, evidence: { [key]: value } };
      const without = renderings(base);
      for (const [renderer, text] of Object.entries(renderings(finding))) {
        expect(text, renderer).toContain(shows);
        // The word comes from the evidence, not from the rest of the message.
        expect(without[renderer as keyof typeof without], renderer).not.toContain(shows);
      }
      const pairs = factPairs(findingFacts(finding));
      expect(pairs.map((p) => `${p.label} ${p.text}`).join('\n')).toContain(shows);
    },
  );

  it('what the facts leave out (the verdict: the admitted tokens say it) is shown by no renderer', () => {
    const finding = { ...base, evidence: { verdict: 'verdictmark' } };
    for (const [renderer, text] of Object.entries(renderings(finding)))
      expect(text, renderer).not.toContain('verdictmark');
    expect(JSON.stringify(findingFacts(finding))).not.toContain('verdictmark');
  });

  describe("the sample account's real findings", () => {
    let findings: Finding[];
    beforeAll(async () => {
      const { audit, events } = await sampleFindings();
      findings = [...audit, ...events];
    });

    it('each fact of each finding is labelled in every renderer, and every evidence field is a fact', () => {
      expect(findings.length).toBeGreaterThan(20);
      let checked = 0;
      for (const f of findings) {
        const facts = findingFacts(f);
        // Nothing of the sample's evidence is left to show as raw data.
        expect(facts.other, f.ruleId).toEqual([]);
        const shown = renderings({ ...f, firstSeen: base.firstSeen });
        for (const { label } of [...facts.facts, ...facts.event]) {
          expect(shown.email, `${f.ruleId} ${label}`).toContain(label);
          expect(shown.slack, `${f.ruleId} ${label}`).toContain(`*${label}:*`);
          expect(shown.reportHtml, `${f.ruleId} ${label}`).toContain(`<b>${label}</b>`);
          expect(shown.reportMarkdown, `${f.ruleId} ${label}`).toContain(`**${label}:**`);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(50);
    });

    it('the email and Slack link the same console pages', () => {
      const kinds = new Set<string>();
      for (const f of findings) {
        const shown = renderings(f);
        for (const link of findingFacts(f).links) {
          expect(shown.email, f.ruleId).toContain(link.url);
          expect(shown.slack, f.ruleId).toContain(link.url);
          kinds.add(`${f.resource.type} ${link.target}`);
        }
      }
      // Roles, users and OIDC providers, and CloudTrail events.
      expect([...kinds].sort()).toEqual([
        'account cloudtrail-console',
        'oidc-provider iam-console',
        'role cloudtrail-console',
        'role iam-console',
        'user cloudtrail-console',
        'user iam-console',
      ]);
    });
  });
});

describe('findingFacts', () => {
  const facts = (evidence: Record<string, unknown>, finding: Partial<Finding> = {}): FindingFacts =>
    findingFacts({ ...base, ...finding, evidence });

  it('reads the evidence in the order a person checks it, labelled, each with the field it came from', () => {
    const { facts: read } = facts({
      lastUsed: { date: '2026-11-01T09:00:00Z', service: 's3', region: 'eu-west-1' },
      after: ['repo:acme-corp/*'],
      before: ['repo:acme-corp/web:environment:production'],
      newlyAdmitted: [{ claims: { sub: SUB('x'), aud: 'sts.amazonaws.com', job_workflow_ref: 'w' } }],
      proposedCondition: '{"StringEquals":{}}',
      diagnosis: ['Case differs.'],
    });
    expect(read).toEqual([
      {
        key: 'before',
        label: 'Subjects before',
        value: ['repo:acme-corp/web:environment:production'],
        kind: 'value',
      },
      { key: 'after', label: 'Subjects now', value: ['repo:acme-corp/*'], kind: 'value' },
      // The usual audience says nothing; other claims do.
      {
        key: 'newlyAdmitted',
        label: 'Now gets in',
        value: [`${SUB('x')}, job_workflow_ref=w`],
        kind: 'value',
      },
      { key: 'proposedCondition', label: 'Tighten to', value: '{"StringEquals":{}}', kind: 'json' },
      { key: 'diagnosis', label: 'Diagnosis', value: ['Case differs.'], kind: 'prose' },
      { key: 'lastUsed', label: 'Last used', value: '2026-11-01 (s3, eu-west-1)', kind: 'value' },
    ]);
  });

  it('labels a before/after pair by what the resource lists', () => {
    const labels = (type: Finding['resource']['type']) =>
      facts({ before: [], after: ['a'] }, { resource: { ...base.resource, type } }).facts.map((f) => f.label);
    expect(labels('role')).toEqual(['Subjects before', 'Subjects now']);
    expect(labels('oidc-provider')).toEqual(['Audiences before', 'Audiences now']);
    expect(labels('user')).toEqual(['Before', 'Now']);
  });

  it('keeps a list known to be empty, but not an empty list of tokens let in', () => {
    const read = facts({ before: [], newlyAdmitted: [], noLongerAdmitted: [], diagnosis: [] }).facts;
    expect(read).toEqual([{ key: 'before', label: 'Subjects before', value: [], kind: 'value' }]);
  });

  it('does not repeat the resource the finding is about', () => {
    expect(facts({ role: 'gh-deploy', user: 'alice' }).facts).toEqual([
      { key: 'user', label: 'User', value: 'alice', kind: 'value' },
    ]);
  });

  it('names a key by its slot when the credential report gave no id', () => {
    expect(facts({ slot: '1', ageDays: 91 }).facts.map((f) => [f.label, f.value])).toEqual([
      ['Access key', 'key 1 (the credential report names no id)'],
      ['Age', '91 days'],
    ]);
  });

  it('the event: its facts apart, its console page as a link, its id only when there is no link', () => {
    const event = {
      eventId: 'e-1',
      eventName: 'UpdateAssumeRolePolicy',
      region: 'us-east-1',
      eventTime: '2026-11-02T08:01:00Z',
      who: 'arn:aws:iam::111122223333:user/alice',
      sourceIp: '203.0.113.24',
      userAgent: `aws-cli/2.17.0 ${'word '.repeat(30)}`,
      console: 'https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/events/e-1',
    };
    const linked = facts({ event });
    expect(linked.event.map((f) => [f.key, f.label, f.value])).toEqual([
      ['event.eventName', 'Event', 'UpdateAssumeRolePolicy in us-east-1'],
      ['event.eventTime', 'When', '2026-11-02 08:01:00 UTC'],
      ['event.who', 'By', 'arn:aws:iam::111122223333:user/alice'],
      ['event.sourceIp', 'From', `203.0.113.24 (aws-cli/2.17.0 ${'word '.repeat(12)}...)`],
    ]);
    expect(linked.links).toEqual([
      {
        label: 'Role',
        url: 'https://us-east-1.console.aws.amazon.com/iam/home#/roles/details/gh-deploy',
        target: 'iam-console',
      },
      { label: 'CloudTrail event', url: event.console, target: 'cloudtrail-console' },
    ]);
    const unlinked = facts({ event: { ...event, console: 'javascript:alert(1)' } });
    expect(unlinked.event.at(-1)).toEqual({
      key: 'event.eventId',
      label: 'Event id',
      value: 'e-1',
      kind: 'value',
    });
    expect(unlinked.links.map((l) => l.target)).toEqual(['iam-console']);
  });

  it('links the console of the resource partition, never from a name IAM would not accept', () => {
    const link = (resource: Finding['resource']) => facts({}, { resource }).links;
    expect(link({ type: 'user', arn: 'arn:aws-cn:iam::1:user/ci', name: 'ci' })[0]?.url).toBe(
      'https://console.amazonaws.cn/iam/home#/users/details/ci',
    );
    expect(link({ type: 'oidc-provider', arn: 'arn:aws:iam::1:oidc-provider/x', name: 'x' })[0]?.url).toBe(
      'https://us-east-1.console.aws.amazon.com/iam/home#/identity_providers/details/OPENID/arn%3Aaws%3Aiam%3A%3A1%3Aoidc-provider%2Fx',
    );
    expect(link({ type: 'role', arn: 'arn:aws:iam::1:role/x', name: '<!channel>' })).toEqual([]);
    expect(link({ type: 'account', arn: 'arn:aws:iam::1:root', name: '1' })).toEqual([]);
  });

  it('keeps what it cannot read as data, and a field of the wrong shape is not misread', () => {
    const read = facts({
      keyId: { nested: true },
      tags: { team: 'a' },
      empty: [],
      nothing: null,
      leftOut: ['x: y'],
    });
    expect(read.facts).toEqual([]);
    expect(read.other).toEqual([
      { key: 'keyId', label: 'Key id', value: { nested: true } },
      { key: 'tags', label: 'Tags', value: { team: 'a' } },
    ]);
    expect(read.leftOut).toEqual(['x: y']);
  });
});

describe('factPairs', () => {
  it('flattens facts, event facts, other details and what was left out to one line of text each', () => {
    const pairs = factPairs(
      findingFacts({
        ...base,
        evidence: {
          before: Array.from({ length: 7 }, (_, i) => `repo:acme-corp/r${i}:*`),
          event: { who: 'alice' },
          tags: { team: 'a' },
          leftOut: ['raw: the raw record', 'before: shortened'],
        },
      }),
      { listLimit: 3 },
    );
    expect(pairs).toEqual([
      {
        key: 'before',
        label: 'Subjects before',
        text: 'repo:acme-corp/r0:*, repo:acme-corp/r1:*, repo:acme-corp/r2:*, ... and 4 more',
      },
      { key: 'event.who', label: 'By', text: 'alice' },
      { key: 'tags', label: 'Tags', text: '{"team":"a"}' },
      { key: 'leftOut', label: 'Left out', text: 'raw: the raw record; before: shortened' },
    ]);
  });

  it('cuts a long text after a whole word, and says an empty list is empty', () => {
    const [before, notes] = factPairs(
      findingFacts({ ...base, evidence: { notes: [`${'word '.repeat(100)}end`], before: [] } }),
      { maxChars: 50 },
    ).sort((a, b) => a.key.localeCompare(b.key));
    expect(notes).toEqual({
      key: 'notes',
      label: 'Notes',
      text: expect.stringMatching(/^(word ){8}word \.\.\.$/),
    });
    expect(before).toEqual({ key: 'before', label: 'Subjects before', text: '(none)' });
  });
});
