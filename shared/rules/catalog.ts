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
import type { PolicyRule } from './rule.js';

/** The rules a trust policy alone decides, in catalog order. */
export const POLICY_RULES: PolicyRule[] = [
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
