import type { AccountRule } from './account-rule.js';
import { ACTIVITY_RULES } from './activity/rules.js';
import { baselineMissing } from './baseline/missing.js';
import { suppressionExpired } from './baseline/suppression-expired.js';
import { newCiRole } from './drift/new-ci-role.js';
import { providerChanged } from './drift/provider-changed.js';
import { trustNarrower, trustWider } from './drift/trust.js';
import { keysCiUserStaticKey } from './keys/ci-user-static-key.js';
import { keysCreated } from './keys/created.js';
import { keysNotRotated } from './keys/not-rotated.js';
import { keysTwoActive } from './keys/two-active.js';
import { keysUnused } from './keys/unused.js';
import { anyOwner } from './oidc/any-owner.js';
import { anyRef } from './oidc/any-ref.js';
import { anyRepo } from './oidc/any-repo.js';
import { forAllValues } from './oidc/for-all-values.js';
import { iamWouldRefuse } from './oidc/iam-would-refuse.js';
import { literalWildcard } from './oidc/literal-wildcard.js';
import { mutableSubject } from './oidc/mutable-subject.js';
import { noAudience } from './oidc/no-audience.js';
import { noSubjectRestriction } from './oidc/no-subject-restriction.js';
import { ownerNotAllowed } from './oidc/owner-not-allowed.js';
import { pullRequest } from './oidc/pull-request.js';
import { unmatchableSubject } from './oidc/unmatchable-subject.js';
import { duplicateKey } from './policy/duplicate-key.js';
import { policyTooComplex } from './policy/too-complex.js';
import { unknownElement } from './policy/unknown-element.js';
import { roleAdminPermissions } from './role/admin-permissions.js';
import { roleChaining } from './role/chaining.js';
import { roleLongSession } from './role/long-session.js';
import type { PolicyRule, RuleMeta } from './rule.js';
import { anyPrincipal } from './trust/any-principal.js';

/** The rules a trust policy alone decides, in catalog order. */
export const POLICY_RULES: PolicyRule[] = [
  anyPrincipal,
  noSubjectRestriction,
  iamWouldRefuse,
  anyOwner,
  ownerNotAllowed,
  anyRepo,
  anyRef,
  pullRequest,
  forAllValues,
  noAudience,
  literalWildcard,
  unmatchableSubject,
  mutableSubject,
  duplicateKey,
  unknownElement,
];

/** The rules that look at the whole account snapshot (and the baseline, for drift). */
export const ACCOUNT_RULES: AccountRule[] = [
  roleAdminPermissions,
  roleLongSession,
  roleChaining,
  trustWider,
  trustNarrower,
  newCiRole,
  providerChanged,
  keysNotRotated,
  keysUnused,
  keysTwoActive,
  keysCiUserStaticKey,
];

/** A part of the catalog: rules decided from the same input, documented together. */
export interface RuleGroup {
  title: string;
  /** Which commands and functions report them, from what. */
  decidedBy: string;
  rules: RuleMeta[];
}

/**
 * The whole catalog, in order. A rule module is registered here (in POLICY_RULES, ACCOUNT_RULES or a
 * group) and nowhere else: SARIF, alerts, `trustwatch rules` and docs/rules.md all read it from here.
 */
export const RULE_GROUPS: RuleGroup[] = [
  {
    title: 'Trust policies',
    decidedBy:
      'From a trust policy alone: `lint`, `audit` (every GitHub-trusted role) and the IAM event watch when a trust policy changes.',
    rules: [...POLICY_RULES, policyTooComplex],
  },
  {
    title: 'Account',
    decidedBy:
      'From the account snapshot, the configuration and the baseline (`drift.*`): `audit`, the hourly audit and the IAM event watch.',
    rules: [...ACCOUNT_RULES, suppressionExpired, baselineMissing],
  },
  {
    title: 'Activity and the monitor itself',
    decidedBy:
      "From CloudTrail records and the monitor's own alarms: `events replay`, `activity` and the deployed functions.",
    rules: [keysCreated, ...ACTIVITY_RULES],
  },
];

/** Every rule's metadata, for SARIF, reports and documentation. */
export const ALL_RULES: RuleMeta[] = RULE_GROUPS.flatMap((group) => group.rules);
