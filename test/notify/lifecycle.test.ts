import { describe, expect, it } from 'vitest';
import type { ProcessedFinding } from '../../shared/activity/process.js';
import type { Finding } from '../../shared/findings/finding.js';
import type { AlertMessage } from '../../shared/notify/alert.js';
import { alertNew, alertPending, dailyDigest, resolveGone } from '../../shared/notify/lifecycle.js';
import type { Severity } from '../../shared/rules/rule.js';
import { MemoryStore } from '../support/memory-store.js';

const finding = (id: string, severity: Severity = 'high', extra: Partial<Finding> = {}): Finding => ({
  id,
  ruleId: 'drift.trust-wider',
  severity,
  title: 'Trust policy admits more than its baseline',
  resource: { type: 'role', arn: `arn:aws:iam::123456789012:role/${id}`, name: id },
  account: '123456789012',
  region: 'global',
  message: `${id} widened`,
  evidence: {},
  remediation: 'restore it',
  firstSeen: '2026-11-02T08:00:00.000Z',
  lastSeen: '2026-11-02T08:00:00.000Z',
  status: 'open',
  ...extra,
});

function setup(publish?: (m: AlertMessage) => Promise<unknown>) {
  const store = new MemoryStore();
  const sent: AlertMessage[] = [];
  const deps = {
    store,
    account: '123456789012',
    minimum: 'medium' as Severity,
    now: () => '2026-11-02T09:00:00.000Z',
    publish: publish ?? (async (m: AlertMessage) => sent.push(m)),
  };
  const evaluate = async (f: Finding) => {
    const processed: ProcessedFinding[] = [{ finding: f, outcome: await store.save(f) }];
    return alertNew(processed, deps);
  };
  return { store, sent, deps, evaluate };
}

describe('alert lifecycle', () => {
  it('alerts a new finding once; the same finding seen again alerts nothing', async () => {
    const { sent, evaluate } = setup();
    expect((await evaluate(finding('a'))).alerted).toEqual(['a']);
    expect((await evaluate(finding('a'))).alerted).toEqual([]);
    expect(sent.map((m) => m.kind)).toEqual(['alert']);
  });

  it('never alerts a suppressed finding, and keeps lower severities for the digest', async () => {
    const { sent, evaluate, deps } = setup();
    await evaluate(finding('s', 'critical', { status: 'suppressed' }));
    expect((await evaluate(finding('low', 'low'))).deferred).toEqual(['low']);
    expect(sent).toEqual([]);
    const digest = await dailyDigest(deps, '2026-11-02');
    expect(digest.kind === 'digest' && digest.findings.map((f) => f.id)).toEqual(['low']);
  });

  it('sends a short notice when an alerted finding goes away, and alerts again if it comes back', async () => {
    const { sent, evaluate, deps, store } = setup();
    await evaluate(finding('a'));
    await evaluate(finding('quiet', 'low'));
    expect(await resolveGone(new Set(), () => true, deps)).toEqual(['a', 'quiet']);
    expect(sent.map((m) => m.kind)).toEqual(['alert', 'resolved']);
    expect((await store.get('a'))?.status).toBe('resolved');
    expect((await evaluate(finding('a'))).alerted).toEqual(['a']);
  });

  it('resolves a suppressed finding that went away, silently; one still found stays suppressed', async () => {
    const { sent, evaluate, deps, store } = setup();
    const suppression = { reason: 'accepted until the migration', expires: '2026-12-31' };
    await evaluate(finding('gone', 'critical', { status: 'suppressed', suppression }));
    await evaluate(finding('kept', 'critical', { status: 'suppressed', suppression }));
    expect(await resolveGone(new Set(['kept']), () => true, deps)).toEqual(['gone']);
    expect((await store.get('gone'))?.status).toBe('resolved');
    expect((await store.get('kept'))?.status).toBe('suppressed');
    expect(sent).toEqual([]);
  });

  it('a crash after publishing, before the function finished, sends no second alert on retry', async () => {
    const { sent, evaluate } = setup();
    await evaluate(finding('a'));
    // The retry processes the same event again: the claim made before sending holds.
    await evaluate(finding('a'));
    expect(sent).toHaveLength(1);
  });

  it('a crash after saving, before the alert was claimed, still alerts on retry', async () => {
    const { sent, store, evaluate } = setup();
    await store.save(finding('a'));
    expect((await evaluate(finding('a'))).alerted).toEqual(['a']);
    expect(sent).toHaveLength(1);
  });

  it('a failed send gives the claim back and throws, so the retry sends it', async () => {
    let fail = true;
    const sent: AlertMessage[] = [];
    const { evaluate } = setup(async (m) => {
      if (fail) throw new Error('SNS unavailable');
      sent.push(m);
    });
    await expect(evaluate(finding('a'))).rejects.toThrow('SNS unavailable');
    fail = false;
    expect((await evaluate(finding('a'))).alerted).toEqual(['a']);
    expect(sent).toHaveLength(1);
  });

  it('a crash between claiming and publishing: a later run sends the alert once the lease expired, once', async () => {
    const { sent, store, deps } = setup();
    let clock = '2026-11-02T09:00:00.000Z';
    const at = { ...deps, now: () => clock };
    // The first run saved the finding, took the lease, and died before publishing.
    await store.save(finding('a'));
    await store.save(finding('low', 'low'));
    const dies = { ...at, publish: () => new Promise<never>(() => {}) };
    void alertNew([{ finding: finding('a'), outcome: 'opened' }], dies);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await store.get('a'))?.alertClaim).toBeDefined();
    // Within the lease: neither the retry nor a scheduled run sends it (the holder may be alive).
    clock = '2026-11-02T09:05:00.000Z';
    expect((await alertNew([{ finding: finding('a'), outcome: 'updated' }], at)).alerted).toEqual([]);
    expect(await alertPending(at)).toEqual([]);
    // After it: the next scheduled run takes over, and only one run does.
    clock = '2026-11-02T09:10:01.000Z';
    expect(await alertPending(at)).toEqual(['a']);
    expect(await alertPending(at)).toEqual([]);
    expect((await alertNew([{ finding: finding('a'), outcome: 'updated' }], at)).alerted).toEqual([]);
    expect(sent.map((m) => m.kind === 'alert' && m.finding.id)).toEqual(['a']);
    expect((await store.get('a'))?.alertedAt).toBe('2026-11-02T09:10:01.000Z');
  });

  it('alerts monitor.unhealthy whatever the minimum', async () => {
    const { sent, deps, store } = setup();
    const unhealthy = finding('relay', 'high', { ruleId: 'monitor.unhealthy' });
    await store.save(unhealthy);
    expect(
      (await alertNew([{ finding: unhealthy, outcome: 'opened' }], { ...deps, minimum: 'critical' })).alerted,
    ).toEqual(['relay']);
    expect(sent).toHaveLength(1);
  });
});
