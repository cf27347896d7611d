import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Finding } from '../../shared/findings/finding.js';
import type { FindingStore, StoredFinding } from '../../shared/findings/store.js';

/**
 * What every FindingStore does, run against each implementation. Stores may share their backing
 * table between tests, so every test uses ids, roles and regions of its own.
 */
/** A lease on an alert taken at `at`, for ten minutes. */
const lease = (at: string) => ({ at, until: new Date(Date.parse(at) + 600_000).toISOString() });

export function storeContract(makeStore: () => FindingStore | Promise<FindingStore>): void {
  it('opens a new finding, then updates it keeping firstSeen', async () => {
    const store = await makeStore();
    const first = finding();
    expect(await store.save(first)).toBe('opened');
    expect(await store.get(first.id)).toEqual(first);

    const again = {
      ...first,
      firstSeen: '2026-03-02T00:00:00.000Z',
      lastSeen: '2026-03-02T00:00:00.000Z',
      message: 'still',
    };
    expect(await store.save(again)).toBe('updated');
    expect(await store.get(first.id)).toEqual({ ...again, firstSeen: first.firstSeen });
  });

  it('returns undefined for a finding it does not hold', async () => {
    const store = await makeStore();
    expect(await store.get(randomUUID())).toBeUndefined();
  });

  it('keeps the evidence as given, nested values included', async () => {
    const store = await makeStore();
    const evidence = {
      witness: { sub: 'repo:x/y:ref:refs/heads/main', claims: ['a', ''] },
      count: 3,
      ok: false,
      none: null,
    };
    const f = finding({ evidence });
    await store.save(f);
    expect((await store.get(f.id))?.evidence).toEqual(evidence);
  });

  it('keeps on a repeat the evidence only the first sighting had, takes what the repeat brings', async () => {
    const store = await makeStore();
    const event = { eventName: 'UpdateAssumeRolePolicy', actor: 'arn:aws:iam::111122223333:user/alice' };
    const seenByEvent = finding({ evidence: { witness: 'repo:a/b:ref:refs/heads/main', event } });
    await store.save(seenByEvent);
    // The hourly audit finds the same widening, without the event that made it.
    const seenByAudit = { ...seenByEvent, evidence: { witness: 'repo:other/x:ref:refs/heads/main' } };
    expect(await store.save(seenByAudit)).toBe('updated');
    expect((await store.get(seenByEvent.id))?.evidence).toEqual({
      witness: 'repo:other/x:ref:refs/heads/main',
      event,
    });
  });

  it('keeps the stored evidence when a repeat brings none', async () => {
    const store = await makeStore();
    const f = finding({ evidence: { witness: 'w1' } });
    await store.save(f);
    expect(await store.save({ ...f, evidence: {} })).toBe('updated');
    expect((await store.get(f.id))?.evidence).toEqual({ witness: 'w1' });
  });

  it('takes only the new evidence when a resolved finding reopens', async () => {
    const store = await makeStore();
    const f = finding({ evidence: { witness: 'w1', event: { eventName: 'old' } } });
    await store.save(f);
    await store.resolve(f.id, '2026-03-05T00:00:00.000Z');
    expect(await store.save({ ...f, evidence: { witness: 'w2' } })).toBe('reopened');
    expect((await store.get(f.id))?.evidence).toEqual({ witness: 'w2' });
  });

  it('sets and removes a suppression as the saved finding says', async () => {
    const store = await makeStore();
    const f = finding();
    const suppression = { reason: 'reviewed', expires: '2026-12-31' };
    await store.save({ ...f, status: 'suppressed', suppression });
    expect(await store.get(f.id)).toMatchObject({ status: 'suppressed', suppression });

    expect(await store.save(f)).toBe('updated');
    const stored = await store.get(f.id);
    expect(stored?.status).toBe('open');
    expect(stored).not.toHaveProperty('suppression');
  });

  it('resolves an open finding once', async () => {
    const store = await makeStore();
    const f = finding();
    await store.save(f);
    expect(await store.resolve(f.id, '2026-03-05T00:00:00.000Z')).toBe(true);
    expect(await store.resolve(f.id, '2026-03-06T00:00:00.000Z')).toBe(false);
    expect(await store.get(f.id)).toMatchObject({
      status: 'resolved',
      resolvedAt: '2026-03-05T00:00:00.000Z',
    });
  });

  it('does not resolve a finding it does not hold', async () => {
    const store = await makeStore();
    expect(await store.resolve(randomUUID(), '2026-03-05T00:00:00.000Z')).toBe(false);
  });

  it('resolves a suppressed finding once: the accepted problem went away', async () => {
    const store = await makeStore();
    const f = finding({ status: 'suppressed', suppression: { reason: 'accepted', expires: '2026-12-31' } });
    await store.save(f);
    expect(await store.resolve(f.id, '2026-03-05T00:00:00.000Z')).toBe(true);
    expect(await store.resolve(f.id, '2026-03-06T00:00:00.000Z')).toBe(false);
    expect(await store.get(f.id)).toMatchObject({
      status: 'resolved',
      resolvedAt: '2026-03-05T00:00:00.000Z',
    });
    expect(await store.list('suppressed')).toEqual([]);
    // Seen again, still under its suppression: a new opening, suppressed again.
    expect(await store.save(f)).toBe('reopened');
    expect((await store.get(f.id))?.status).toBe('suppressed');
  });

  it('reopens a resolved finding as a new opening: firstSeen kept, alert and resolution cleared', async () => {
    const store = await makeStore();
    const f = finding();
    await store.save(f);
    await store.claimAlert(f.id, lease('2026-03-01T00:01:00.000Z'));
    await store.confirmAlert(f.id, '2026-03-01T00:01:00.000Z');
    await store.resolve(f.id, '2026-03-05T00:00:00.000Z');

    const back = { ...f, firstSeen: '2026-04-01T00:00:00.000Z', lastSeen: '2026-04-01T00:00:00.000Z' };
    expect(await store.save(back)).toBe('reopened');
    const stored = await store.get(f.id);
    expect(stored).toEqual({ ...back, firstSeen: f.firstSeen });
    expect(await store.claimAlert(f.id, lease('2026-04-01T00:01:00.000Z'))).toBe(true);
    expect(await store.save(back)).toBe('updated');
  });

  it('opens a new finding exactly once when five callers save it at the same time', async () => {
    const store = await makeStore();
    const f = finding();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => store.save(f)));
    expect(outcomes.filter((o) => o === 'opened')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'updated')).toHaveLength(4);
  });

  it('reopens a resolved finding exactly once when five callers save it at the same time', async () => {
    const store = await makeStore();
    const f = finding();
    await store.save(f);
    await store.resolve(f.id, '2026-03-05T00:00:00.000Z');
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => store.save(f)));
    expect(outcomes.filter((o) => o === 'reopened')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'updated')).toHaveLength(4);
  });

  it('refuses to save a resolved finding: resolving is what resolve() is for', async () => {
    const store = await makeStore();
    const f = finding({ status: 'resolved' });
    await expect(store.save(f)).rejects.toThrow(/resolve/);
    expect(await store.get(f.id)).toBeUndefined();
  });

  it('leases the alert to one sender, and once sent keeps alertedAt across updates', async () => {
    const store = await makeStore();
    const f = finding();
    await store.save(f);
    expect(await store.claimAlert(f.id, lease('2026-03-01T00:01:00.000Z'))).toBe(true);
    expect(await store.claimAlert(f.id, lease('2026-03-01T00:02:00.000Z'))).toBe(false);
    // The lease survives a repeat of the finding (the sender has not finished yet).
    await store.save({ ...f, lastSeen: '2026-03-01T00:01:30.000Z' });
    expect(await store.claimAlert(f.id, lease('2026-03-01T00:03:00.000Z'))).toBe(false);
    await store.confirmAlert(f.id, '2026-03-01T00:01:00.000Z');
    await store.save({ ...f, lastSeen: '2026-03-02T00:00:00.000Z' });
    const stored = await store.get(f.id);
    expect(stored?.alertedAt).toBe('2026-03-01T00:01:00.000Z');
    expect(stored).not.toHaveProperty('alertClaim');
    // Sent: no lease is granted again, however late.
    expect(await store.claimAlert(f.id, lease('2026-03-09T00:00:00.000Z'))).toBe(false);
  });

  it('lets a later run take over a lease whose holder died, once it has expired', async () => {
    const store = await makeStore();
    const f = finding();
    await store.save(f);
    expect(await store.claimAlert(f.id, lease('2026-03-01T00:01:00.000Z'))).toBe(true);
    // The holder crashed before sending: within the lease no one else sends; after it, one does.
    expect(await store.claimAlert(f.id, lease('2026-03-01T00:10:59.000Z'))).toBe(false);
    expect(await store.claimAlert(f.id, lease('2026-03-01T00:11:01.000Z'))).toBe(true);
    expect(await store.claimAlert(f.id, lease('2026-03-01T00:11:02.000Z'))).toBe(false);
    expect((await store.get(f.id))?.alertClaim?.at).toBe('2026-03-01T00:11:01.000Z');
  });

  it('gives back only its own lease, so a failed send can be retried and a later lease stays', async () => {
    const store = await makeStore();
    const f = finding();
    await store.save(f);
    expect(await store.claimAlert(f.id, lease('2026-03-01T00:01:00.000Z'))).toBe(true);
    await store.releaseAlert(f.id, '2026-03-01T00:09:00.000Z');
    expect((await store.get(f.id))?.alertClaim?.at).toBe('2026-03-01T00:01:00.000Z');
    await store.releaseAlert(f.id, '2026-03-01T00:01:00.000Z');
    expect((await store.get(f.id))?.alertClaim).toBeUndefined();
    expect(await store.claimAlert(f.id, lease('2026-03-01T00:02:00.000Z'))).toBe(true);
  });

  it('leases the alert to exactly one of five concurrent callers', async () => {
    const store = await makeStore();
    const f = finding();
    await store.save(f);
    const claimed = await Promise.all(
      Array.from({ length: 5 }, (_, i) => store.claimAlert(f.id, lease(`2026-03-01T00:0${i}:00.000Z`))),
    );
    expect(claimed.filter(Boolean)).toHaveLength(1);
  });

  it('refuses to lease the alert of a finding it does not hold', async () => {
    const store = await makeStore();
    await expect(store.claimAlert(randomUUID(), lease('2026-03-01T00:00:00.000Z'))).rejects.toThrow(
      /no finding/,
    );
  });

  it('owns alertedAt, alertClaim and resolvedAt: a caller handing them to save does not set them', async () => {
    const store = await makeStore();
    const f = finding();
    await store.save(f);
    const forged: StoredFinding = {
      ...f,
      alertedAt: '2026-03-01T00:01:00.000Z',
      alertClaim: lease('2026-03-01T00:01:00.000Z'),
      resolvedAt: '2026-03-01T00:02:00.000Z',
    };
    expect(await store.save(forged)).toBe('updated');
    const stored = await store.get(f.id);
    expect(stored).not.toHaveProperty('alertedAt');
    expect(stored).not.toHaveProperty('alertClaim');
    expect(stored).not.toHaveProperty('resolvedAt');
    expect(await store.claimAlert(f.id, lease('2026-03-01T00:03:00.000Z'))).toBe(true);
  });

  it('lists findings by status', async () => {
    const store = await makeStore();
    const [open, resolved, suppressed] = [finding(), finding(), finding({ status: 'suppressed' })];
    for (const f of [open, resolved, suppressed]) await store.save(f);
    await store.resolve(resolved.id, '2026-03-05T00:00:00.000Z');
    const mine = new Set([open.id, resolved.id, suppressed.id]);
    const ids = async (status?: Finding['status']) =>
      (await store.list(status))
        .map((f) => f.id)
        .filter((id) => mine.has(id))
        .sort();

    expect(await ids('open')).toEqual([open.id]);
    expect(await ids('resolved')).toEqual([resolved.id]);
    expect(await ids('suppressed')).toEqual([suppressed.id]);
    expect(await ids()).toEqual([...mine].sort());
    expect((await store.list('resolved')).find((f) => f.id === resolved.id)).toMatchObject({
      ...resolved,
      status: 'resolved',
    });
  });

  it('claims an event once', async () => {
    const store = await makeStore();
    const eventId = randomUUID();
    expect(await store.eventClaimed(eventId)).toBe(false);
    expect(await store.claimEvent(eventId, inDays(90))).toBe(true);
    expect(await store.eventClaimed(eventId)).toBe(true);
    expect(await store.claimEvent(eventId, inDays(90))).toBe(false);
  });

  it('lets exactly one of five concurrent callers claim an event', async () => {
    const store = await makeStore();
    const eventId = randomUUID();
    const claims = await Promise.all(Array.from({ length: 5 }, () => store.claimEvent(eventId, inDays(90))));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('treats an expired claim as no claim, whether or not it was deleted yet', async () => {
    const store = await makeStore();
    const eventId = randomUUID();
    expect(await store.claimEvent(eventId, inDays(-1))).toBe(true);
    expect(await store.eventClaimed(eventId)).toBe(false);
    expect(await store.claimEvent(eventId, inDays(90))).toBe(true);
    expect(await store.claimEvent(eventId, inDays(90))).toBe(false);
  });

  it('rejects a claim expiry that is not a time', async () => {
    const store = await makeStore();
    await expect(store.claimEvent(randomUUID(), 'soon')).rejects.toThrow(/not a time/);
  });

  it('counts failed attempts per event, losing none to concurrent callers', async () => {
    const store = await makeStore();
    const [a, b] = [randomUUID(), randomUUID()];
    const expires = '2099-01-01T00:00:00.000Z';
    expect(await store.countFailure(a, expires)).toBe(1);
    expect(await store.countFailure(a, expires)).toBe(2);
    expect(await store.countFailure(b, expires)).toBe(1);
    const counts = await Promise.all(Array.from({ length: 5 }, () => store.countFailure(a, expires)));
    expect(counts.sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('keeps a checkpoint per region', async () => {
    const store = await makeStore();
    const [east, west] = [`east-${randomUUID()}`, `west-${randomUUID()}`];
    expect(await store.checkpoint(east)).toBeUndefined();
    await store.setCheckpoint(east, '2026-03-01T00:00:00.000Z');
    await store.setCheckpoint(west, '2026-03-01T00:05:00.000Z');
    await store.setCheckpoint(east, '2026-03-01T00:10:00.000Z');
    expect(await store.checkpoint(east)).toBe('2026-03-01T00:10:00.000Z');
    expect(await store.checkpoint(west)).toBe('2026-03-01T00:05:00.000Z');
  });

  it('counts assumptions per role, subject and day, and returns those of a day range', async () => {
    const store = await makeStore();
    const [role, other] = [roleArn(), roleArn()];
    const main = 'repo:octo/app:ref:refs/heads/main';
    const pr = 'repo:octo/app:pull_request';
    await store.addAssumption({ roleArn: role, subject: main, day: '2026-01-31', succeeded: 1, denied: 0 });
    await store.addAssumption({ roleArn: role, subject: main, day: '2026-01-31', succeeded: 2, denied: 1 });
    await store.addAssumption({ roleArn: role, subject: pr, day: '2026-01-31', succeeded: 0, denied: 1 });
    await store.addAssumption({ roleArn: role, subject: main, day: '2026-02-01', succeeded: 1, denied: 0 });
    await store.addAssumption({ roleArn: other, subject: main, day: '2026-02-01', succeeded: 4, denied: 0 });
    await store.addAssumption({ roleArn: role, subject: main, day: '2026-03-01', succeeded: 1, denied: 0 });

    const counts = async (from: string, to: string) =>
      sortCounts(
        (await store.assumptions(from, to)).filter((c) => c.roleArn === role || c.roleArn === other),
      );
    expect(await counts('2026-01-31', '2026-02-28')).toEqual(
      sortCounts([
        { roleArn: role, subject: main, day: '2026-01-31', succeeded: 3, denied: 1 },
        { roleArn: role, subject: pr, day: '2026-01-31', succeeded: 0, denied: 1 },
        { roleArn: role, subject: main, day: '2026-02-01', succeeded: 1, denied: 0 },
        { roleArn: other, subject: main, day: '2026-02-01', succeeded: 4, denied: 0 },
      ]),
    );
    expect(await counts('2026-02-01', '2026-02-01')).toHaveLength(2);
    expect(await counts('2026-03-01', '2026-03-31')).toEqual([
      { roleArn: role, subject: main, day: '2026-03-01', succeeded: 1, denied: 0 },
    ]);
    expect(await counts('2026-02-02', '2026-02-28')).toEqual([]);
    expect(await counts('2026-03-02', '2026-01-01')).toEqual([]);
  });

  it('loses no count when five callers add to one counter at the same time', async () => {
    const store = await makeStore();
    const role = roleArn();
    const count = { roleArn: role, subject: 'repo:octo/app:ref:refs/heads/main', day: '2026-02-10' };
    await Promise.all(
      Array.from({ length: 5 }, () => store.addAssumption({ ...count, succeeded: 1, denied: 1 })),
    );
    const counts = (await store.assumptions('2026-02-10', '2026-02-10')).filter((c) => c.roleArn === role);
    expect(counts).toEqual([{ ...count, succeeded: 5, denied: 5 }]);
  });

  it('rejects a day that is not YYYY-MM-DD or does not exist', async () => {
    const store = await makeStore();
    const count = { roleArn: roleArn(), subject: 'repo:octo/app:pull_request', succeeded: 1, denied: 0 };
    await expect(store.addAssumption({ ...count, day: '2026-2-1' })).rejects.toThrow(/YYYY-MM-DD/);
    await expect(store.addAssumption({ ...count, day: '2026-02-30' })).rejects.toThrow(/YYYY-MM-DD/);
    await expect(store.assumptions('2026-01-01', 'today')).rejects.toThrow(/YYYY-MM-DD/);
  });

  it('knows the distinct subjects that assumed a role successfully', async () => {
    const store = await makeStore();
    const [role, other] = [roleArn(), roleArn()];
    const [main, prod, refused] = [
      'repo:octo/app:ref:refs/heads/main',
      'repo:octo/app:environment:prod',
      'repo:evil/app:ref:refs/heads/main',
    ];
    expect(await store.subjectsSeen(role)).toEqual([]);
    await store.addAssumption({ roleArn: role, subject: main, day: '2026-02-01', succeeded: 1, denied: 0 });
    await store.addAssumption({ roleArn: role, subject: main, day: '2026-02-02', succeeded: 1, denied: 0 });
    await store.addAssumption({ roleArn: role, subject: prod, day: '2026-02-02', succeeded: 1, denied: 0 });
    // Refused: it must still be novel when it gets in one day.
    await store.addAssumption({
      roleArn: role,
      subject: refused,
      day: '2026-02-02',
      succeeded: 0,
      denied: 3,
    });
    await store.addAssumption({
      roleArn: other,
      subject: refused,
      day: '2026-02-02',
      succeeded: 1,
      denied: 0,
    });

    expect((await store.subjectsSeen(role)).sort()).toEqual([prod, main].sort());
    expect(await store.subjectsSeen(other)).toEqual([refused]);
  });
}

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: randomUUID().replaceAll('-', ''),
    ruleId: 'drift.trust-wider',
    severity: 'critical',
    title: 'Trust policy admits more than its baseline',
    resource: { type: 'role', arn: 'arn:aws:iam::123456789012:role/deploy', name: 'deploy' },
    account: '123456789012',
    region: 'us-east-1',
    message: 'deploy now admits repo:evil/app:ref:refs/heads/main',
    evidence: { witness: 'repo:evil/app:ref:refs/heads/main' },
    remediation: 'Restore the reviewed trust policy.',
    firstSeen: '2026-03-01T00:00:00.000Z',
    lastSeen: '2026-03-01T00:00:00.000Z',
    status: 'open',
    ...overrides,
  };
}

const roleArn = () => `arn:aws:iam::123456789012:role/ci-${randomUUID()}`;

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

function sortCounts<T extends { roleArn: string; subject: string; day: string }>(counts: T[]): T[] {
  const order = (c: T) => `${c.day} ${c.roleArn} ${c.subject}`;
  return [...counts].sort((a, b) => order(a).localeCompare(order(b)));
}
