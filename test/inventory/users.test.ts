import { describe, expect, it } from 'vitest';
import { mergeUsers, pathOf } from '../../shared/inventory/users.js';

const reportUser = (name: string, arn: string) => ({
  name,
  arn,
  created: '2024-01-01T00:00:00.000Z',
  keys: [{ slot: 1 as const, active: true, created: '2024-01-01T00:00:01.000Z' }],
});

describe('pathOf', () => {
  it('reads the path a user ARN spells', () => {
    expect(pathOf('arn:aws:iam::123456789012:user/ci/github/deploy', 'deploy')).toBe('/ci/github/');
    expect(pathOf('arn:aws:iam::123456789012:user/deploy', 'deploy')).toBe('/');
    expect(pathOf('arn:aws-cn:iam::123456789012:user/a/b', 'b')).toBe('/a/');
  });
});

describe('mergeUsers', () => {
  const detail = {
    UserName: 'ci',
    Arn: 'arn:aws:iam::1:user/ci/ci',
    Path: '/ci/',
    Tags: [{ Key: 'ci', Value: 'true' }],
  };

  it('leaves out report users that a complete listing no longer has (deleted since the report)', () => {
    const { users, gaps } = mergeUsers({
      details: { users: [detail], complete: true },
      report: { users: [reportUser('ci', detail.Arn), reportUser('gone', 'arn:aws:iam::1:user/gone')] },
    });
    expect(users.map((u) => [u.name, u.tags, u.keys.length])).toEqual([['ci', { ci: 'true' }, 1]]);
    expect(gaps).toEqual([]);
  });

  it('keeps report users when the listing stopped early, with the path from their ARN', () => {
    const { users } = mergeUsers({
      details: { users: [detail], complete: false },
      report: { users: [reportUser('ci', detail.Arn), reportUser('late', 'arn:aws:iam::1:user/bots/late')] },
    });
    expect(users.map((u) => [u.name, u.path, u.tags])).toEqual([
      ['ci', '/ci/', { ci: 'true' }],
      ['late', '/bots/', {}],
    ]);
  });

  it('lists users without keys when there is no report (the collector reports that gap)', () => {
    const { users, gaps } = mergeUsers({ details: { users: [detail], complete: true } });
    expect(users[0]?.keys).toEqual([]);
    expect(gaps).toEqual([]);
  });
});
