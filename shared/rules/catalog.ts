import type { AccountRule } from './account-rule.js';
import { ACTIVITY_RULES } from './activity/rules.js';
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
import { literalWildcard } from './oidc/literal-wildcard.js';
import { mutableSubject } from './oidc/mutable-subject.js';
import { noAudience } from './oidc/no-audience.js';
import { noSubjectRestriction } from './oidc/no-subject-restriction.js';
import { ownerNotAllowed } from './oidc/owner-not-allowed.js';
import { pullRequest } from './oidc/pull-request.js';
import { unmatchableSubject } from './oidc/unmatchable-subject.js';
import { duplicateKey } from './policy/duplicate-key.js';
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

/** Every rule's metadata, for SARIF, reports and documentation. */
export const ALL_RULES: RuleMeta[] = [
  ...POLICY_RULES,
  ...ACCOUNT_RULES,
  suppressionExpired,
  keysCreated,
  ...ACTIVITY_RULES,
];
