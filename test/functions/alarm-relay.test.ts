import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alarmRelayHandler } from '../../functions/alarm-relay/handler.js';
import type { AlertMessage } from '../../shared/notify/alert.js';
import { alertAttributes } from '../../shared/notify/alert.js';
import { MemoryStore } from '../support/memory-store.js';

const fired = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/cloudwatch/alarm-lambda-action.json'), 'utf8'),
) as { alarmData: { state: { value: string; reason: string } } };
const withState = (value: string) => ({
  ...fired,
  alarmData: { ...fired.alarmData, state: { ...fired.alarmData.state, value } },
});

function relay() {
  const store = new MemoryStore();
  const sent: AlertMessage[] = [];
  const handle = alarmRelayHandler({
    store,
    logger: { info: () => {} },
    publish: async (m) => {
      sent.push(m);
      return 'message-id';
    },
    now: () => new Date('2026-11-27T09:15:05Z'),
  });
  return { store, sent, handle };
}

describe('alarm relay', () => {
  it('turns a firing alarm into a monitor.unhealthy alert every channel receives', async () => {
    const { store, sent, handle } = relay();
    const result = await handle(fired);
    expect(result.state).toBe('ALARM');
    expect(sent).toHaveLength(1);
    const [message] = sent;
    if (message?.kind !== 'alert') throw new Error('expected an alert');
    expect(message.finding).toMatchObject({
      ruleId: 'monitor.unhealthy',
      severity: 'high',
      account: '111122223333',
      region: 'eu-west-1',
      resource: {
        type: 'account',
        name: 'trustwatch-audit-errors',
        arn: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:trustwatch-audit-errors',
      },
      firstSeen: '2026-11-27T09:15:02.517Z',
    });
    expect(message.finding.message).toMatch(/^trustwatch: audit invocations failed: Threshold Crossed/);
    // The attributes the channel filters match: email's minimum is high.
    expect(alertAttributes(message)).toMatchObject({
      severity: 'high',
      kind: 'alert',
      ruleId: 'monitor.unhealthy',
    });
    expect((await store.list('open')).map((f) => f.ruleId)).toEqual(['monitor.unhealthy']);
  });

  it('alerts once while the alarm stays on, resolves it with a notice when it clears, alerts again if it fires again', async () => {
    const { store, sent, handle } = relay();
    await handle(fired);
    await handle(fired);
    expect(sent.map((m) => m.kind)).toEqual(['alert']);
    const cleared = await handle(withState('OK'));
    expect(cleared.resolved).toHaveLength(1);
    expect(sent.map((m) => m.kind)).toEqual(['alert', 'resolved']);
    expect(await store.list('open')).toEqual([]);
    await handle(fired);
    expect(sent.map((m) => m.kind)).toEqual(['alert', 'resolved', 'alert']);
  });

  it('does nothing while the alarm lacks data', async () => {
    const { sent, handle } = relay();
    expect(await handle(withState('INSUFFICIENT_DATA'))).toEqual({
      state: 'INSUFFICIENT_DATA',
      alerted: [],
      resolved: [],
    });
    expect(sent).toEqual([]);
  });

  it('refuses what is not a CloudWatch alarm event, saying which field', async () => {
    const { handle } = relay();
    await expect(handle({ ...fired, alarmData: { alarmName: 'x' } })).rejects.toThrow(/alarmData\.state/);
    await expect(handle({ Records: [] })).rejects.toThrow(/the CloudWatch alarm event: source/);
  });
});
