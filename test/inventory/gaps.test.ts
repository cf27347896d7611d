import { describe, expect, it } from 'vitest';
import { describeFailure, gapFor } from '../../shared/inventory/gaps.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const error = (name: string, message: string, attempts?: number) =>
  Object.assign(new Error(message), { name, ...(attempts ? { $metadata: { attempts } } : {}) });

describe('describeFailure', () => {
  it('names the permission to grant when a call is denied', () => {
    expect(
      gapFor(
        'iam:GetRole',
        ROLE,
        error('AccessDenied', 'User: arn:aws:sts::1:assumed-role/audit/x is not authorized'),
      ),
    ).toEqual({
      resource: ROLE,
      operation: 'iam:GetRole',
      reason: `iam:GetRole denied on ${ROLE}: grant iam:GetRole to the audit role (User: arn:aws:sts::1:assumed-role/audit/x is not authorized)`,
    });
  });

  it('says that an explicit deny, not a missing grant, blocks the call', () => {
    const message =
      'User: x is not authorized to perform: iam:GetRole on resource: role deploy with an explicit deny in a service control policy';
    expect(describeFailure('iam:GetRole', ROLE, error('AccessDenied', message))).toBe(
      `iam:GetRole denied on ${ROLE} by an explicit deny: exempt the audit role from it (${message})`,
    );
  });

  it('says when throttling outlasted the retries, and otherwise gives the error as AWS named it', () => {
    expect(describeFailure('iam:ListRoles', 'every role', error('Throttling', 'Rate exceeded', 6))).toBe(
      'iam:ListRoles on every role still throttled after 6 attempts: Rate exceeded',
    );
    expect(describeFailure('iam:ListRoles', 'every role', error('ServiceFailure', 'internal error'))).toBe(
      'iam:ListRoles on every role failed: ServiceFailure: internal error',
    );
  });
});
