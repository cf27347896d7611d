import { describe, expect, it, vi } from 'vitest';
import { auditHandler } from '../../functions/audit/handler.js';
import { digestHandler } from '../../functions/daily-digest/handler.js';
import type { AlertMessage } from '../../shared/notify/alert.js';
import { MemoryStore } from '../support/memory-store.js';
import { sampleAccount } from '../support/sample-account.js';
import { sampleSettings, silentLogger } from './sample-settings.js';

const { snapshot, baseline } = sampleAccount();
const settings = sampleSettings();
const logger = silentLogger();
const context = {
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${snapshot.account}:function:trustwatch-audit`,
};

describe('audit function', () => {
  it('alerts new findings once, resolves what was fixed with a notice, never alerts suppressed ones', async () => {
    const store = new MemoryStore();
    const sent: AlertMessage[] = [];
    let current = snapshot;
    const handle = auditHandler({
      settings,
      store,
      logger,
      publish: async (m) => sent.push(m),
      collect: async () => current,
    });
    const first = await handle({}, context);
    const alerts = sent.filter((m) => m.kind === 'alert');
    expect(alerts.length).toBe(first.alerted.length);
    expect(alerts.every((m) => m.kind === 'alert' && m.finding.status === 'open')).toBe(true);
    expect(alerts.some((m) => m.kind === 'alert' && m.finding.ruleId === 'drift.trust-wider')).toBe(true);
    expect(alerts.some((m) => m.kind === 'alert' && m.finding.ruleId === 'role.admin-permissions')).toBe(
      false,
    );
    // Low findings wait for the digest.
    expect(alerts.some((m) => m.kind === 'alert' && m.finding.severity === 'low')).toBe(false);

    sent.length = 0;
    await handle({}, context);
    expect(sent).toEqual([]);

    // The widened role is put back as reviewed: its findings go away, with a notice each.
    const reviewed = baseline.ciRoles.find((r) => r.name === 'gh-deploy-web-prod')?.trustPolicy;
    current = {
      ...snapshot,
      roles: snapshot.roles.map((r) =>
        r.name === 'gh-deploy-web-prod' ? { ...r, trustPolicy: reviewed } : r,
      ),
    };
    const third = await handle({}, context);
    const notices = sent
      .filter((m) => m.kind === 'resolved')
      .map((m) => (m.kind === 'resolved' ? m.finding.ruleId : ''));
    expect(notices).toContain('drift.trust-wider');
    expect(third.resolved.length).toBeGreaterThanOrEqual(notices.length);
  });
});

describe('audit function, account with no reviewed baseline at its location', () => {
  const missingBaseline = {
    reviewed: `s3://acme-baselines/org/${snapshot.account}/baseline.json`,
    proposed: {
      bucket: 'acme-baselines',
      key: `org/${snapshot.account}/baseline.proposed.json`,
      url: `s3://acme-baselines/org/${snapshot.account}/baseline.proposed.json`,
    },
  };
  const { baseline: _reviewed, ...unreviewed } = sampleSettings();

  it('still audits and alerts when the proposal cannot be written, and says so as a gap', async () => {
    const sent: AlertMessage[] = [];
    const watched = silentLogger();
    const warn = vi.spyOn(watched, 'warn');
    const handle = auditHandler({
      settings: { ...unreviewed, missingBaseline },
      store: new MemoryStore(),
      logger: watched,
      publish: async (m) => sent.push(m),
      collect: async () => snapshot,
      writeObject: async () => {
        throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
      },
    });
    const result = await handle({}, context);
    expect(result.findings.map((f) => f.ruleId)).toContain('baseline.missing');
    expect(result.findings.some((f) => f.ruleId.startsWith('drift.'))).toBe(false);
    // The sample account's critical and high findings are alerted all the same.
    expect(sent.filter((m) => m.kind === 'alert').length).toBe(result.alerted.length);
    expect(result.alerted.length).toBeGreaterThan(0);
    expect(warn.mock.calls).toContainEqual([
      'audit gap',
      {
        resource: missingBaseline.proposed.url,
        operation: 'write the proposed baseline',
        reason: 'AccessDenied: Access Denied',
      },
    ]);
  });

  it('writes the proposal only if none is there, from the account as audited', async () => {
    const writes: { key: string; onlyIfAbsent?: boolean; account: string }[] = [];
    const handle = auditHandler({
      settings: { ...unreviewed, missingBaseline },
      store: new MemoryStore(),
      logger,
      publish: async () => undefined,
      collect: async () => snapshot,
      writeObject: async (request) => {
        writes.push({
          key: request.key,
          ...(request.onlyIfAbsent ? { onlyIfAbsent: true } : {}),
          account: (JSON.parse(request.text) as { account: string }).account,
        });
        return writes.length === 1 ? 'written' : 'exists';
      },
    });
    await handle({}, context);
    await handle({}, context);
    expect(writes).toEqual([
      { key: missingBaseline.proposed.key, onlyIfAbsent: true, account: snapshot.account },
      { key: missingBaseline.proposed.key, onlyIfAbsent: true, account: snapshot.account },
    ]);
  });
});

describe('daily digest function', () => {
  it('publishes the day before s findings that were below every alert minimum', async () => {
    const store = new MemoryStore();
    const sent: AlertMessage[] = [];
    await auditHandler({
      settings,
      store,
      logger,
      publish: async () => undefined,
      collect: async () => snapshot,
    })({}, context);
    const digest = await digestHandler({
      settings,
      store,
      logger,
      publish: async (m) => sent.push(m),
      now: () => new Date('2026-11-03T07:00:00Z'),
    })({}, context);
    expect(digest.kind).toBe('digest');
    if (digest.kind !== 'digest') return;
    expect(digest.day).toBe('2026-11-02');
    expect(digest.findings.length).toBeGreaterThan(0);
    expect(digest.findings.every((f) => f.severity === 'low' || f.severity === 'info')).toBe(true);
    expect(digest.open.critical).toBeGreaterThan(0);
    expect(sent).toEqual([digest]);
  });
});
