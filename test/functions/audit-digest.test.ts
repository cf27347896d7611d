import { describe, expect, it } from 'vitest';
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
