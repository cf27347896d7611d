import type { RuleMeta } from '../rule.js';

export const novelSubject: RuleMeta = {
  id: 'activity.novel-subject',
  severity: 'high',
  title: 'Role assumed by a GitHub subject never seen before',
  rationale:
    'A workflow assumed the role from a repository, branch or environment that never assumed it before and that the baseline does not know: either a new legitimate pipeline nobody reviewed, or someone using a trust policy wider than intended.',
  remediation:
    'Check the workflow run (repository, ref, actor) behind the subject. If legitimate, add the subject to observedSubjects in the baseline; if not, narrow the trust policy and rotate anything the session touched.',
  references: ['https://docs.github.com/en/actions/reference/security/oidc#example-subject-claims'],
};

export const assumeDenied: RuleMeta = {
  id: 'activity.assume-denied',
  severity: 'medium',
  title: 'GitHub workflow refused by a role',
  rationale:
    'Refused AssumeRoleWithWebIdentity calls are either a deployment that broke after a trust change, or someone probing which subjects a role admits.',
  remediation:
    'Read the diagnosis: fix the workflow (environment, audience, casing) or the trust policy, whichever is wrong.',
  references: ['https://github.com/aws-actions/configure-aws-credentials#oidc'],
};

export const staticKeyFromActions: RuleMeta = {
  id: 'activity.static-key-from-actions',
  severity: 'medium',
  title: 'IAM user access key used from GitHub Actions',
  rationale:
    'The key of an IAM user was used by aws-actions/configure-aws-credentials: a long-lived secret sits in GitHub where an OIDC role would give short-lived credentials.',
  remediation: 'Move the workflow to role-to-assume with OIDC, then deactivate and delete the key.',
  references: [
    'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services',
  ],
};

export const trailNotLogging: RuleMeta = {
  id: 'monitor.trail-not-logging',
  severity: 'high',
  title: 'No trail logs management events in a watched region',
  rationale:
    'trustwatch sees IAM changes and role assumptions through CloudTrail: without a logging trail recording read and write management events the monitor is blind in that region.',
  remediation: 'Create or restart a multi-region trail that logs all management events (read and write).',
  references: ['CIS AWS Foundations Benchmark v3.0.0 3.1', 'AWS Security Hub CloudTrail.1'],
};

export const tampered: RuleMeta = {
  id: 'monitor.tampered',
  severity: 'critical',
  title: 'Someone changed the monitor or stopped the trail',
  rationale:
    'Disabling trustwatch rules, deleting its topic or functions, or stopping a trail is what an attacker does first to act unseen.',
  remediation:
    'Find who made the call (evidence), restore the resource from the stack (`npx cdk deploy`), and review what happened while it was off.',
  references: [
    'CIS AWS Foundations Benchmark v3.0.0 4.5',
    'https://stratus-red-team.cloud/attack-techniques/AWS/aws.defense-evasion.cloudtrail-stop/',
  ],
};

export const unhealthy: RuleMeta = {
  id: 'monitor.unhealthy',
  severity: 'high',
  title: 'trustwatch itself is failing',
  rationale:
    'A trustwatch function keeps failing or is throttled, events wait in its failures queue, or Slack refuses its messages: until that is fixed some changes are not evaluated or some alerts do not arrive.',
  remediation:
    "Read the alarm's function logs (CloudWatch Logs, log group of the function named in the alarm) and the failures queue; fix the cause, then redrive the queue's messages.",
  references: [],
};

export const ACTIVITY_RULES: RuleMeta[] = [
  novelSubject,
  assumeDenied,
  staticKeyFromActions,
  trailNotLogging,
  tampered,
  unhealthy,
];
