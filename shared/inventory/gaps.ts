import type { Gap } from './snapshot.js';

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);

interface AwsError {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { attempts?: number };
}

/**
 * Why a call failed, in words that say what to do: a denied call names the permission to grant (or
 * the explicit deny to lift), throttling that outlived the SDK's retries says so. `action` is the IAM action (`iam:GetRole`).
 */
export function describeFailure(action: string, resource: string, error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as AwsError;
  const code = e.Code ?? e.name ?? 'Error';
  const message = e.message ?? String(error);
  if (ACCESS_DENIED.has(code)) {
    // A grant does not help against an explicit deny (an SCP, a boundary, a Deny statement).
    if (/explicit deny/i.test(message)) {
      return `${action} denied on ${resource} by an explicit deny: exempt the audit role from it (${message})`;
    }
    return `${action} denied on ${resource}: grant ${action} to the audit role (${message})`;
  }
  if (THROTTLED.has(code)) {
    const attempts = e.$metadata?.attempts;
    return `${action} on ${resource} still throttled${attempts ? ` after ${attempts} attempts` : ''}: ${message}`;
  }
  return `${action} on ${resource} failed: ${code}: ${message}`;
}

export function gapFor(action: string, resource: string, error: unknown): Gap {
  return { resource, operation: action, reason: describeFailure(action, resource, error) };
}
