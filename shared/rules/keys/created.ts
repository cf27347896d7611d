import type { RuleMeta } from '../rule.js';

/** Decided from IAM events (CreateAccessKey, UpdateAccessKey to Active) in shared/activity/iam-change.ts. */
export const keysCreated: RuleMeta = {
  id: 'keys.created',
  severity: 'high',
  title: 'Access key created or re-activated for a CI user',
  rationale:
    'A new static key for a CI user undoes the move to OIDC and is a classic persistence step: a fresh long-lived credential nobody planned.',
  remediation:
    'Confirm with the person who created it (evidence: who, from where); if unplanned, deactivate and delete the key.',
  references: ['https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.iam-backdoor-user/'],
};
