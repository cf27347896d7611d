// Written by scripts/docs-rules.ts (npm run docs:rules) from the rule catalog: do not edit.
// The alert texts apart from the catalog, whose checks bring the policy engine with them: the functions
// that alert but never check (alarm-relay, daily-digest) then bundle some 80 KB less.
import type { AlertText } from './alert-texts.js';

export const RULE_TEXTS: Record<string, AlertText> = {
  'trust.any-principal': {
    rationale:
      'An Allow with Principal "*" (or {"AWS": "*"}) for sts:AssumeRole lets every principal of every AWS account in unless a condition ties the caller to your organization, accounts or roles (aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn) or to a service acting for your resources (aws:SourceAccount, aws:SourceArn). Conditions on values the caller chooses, such as sts:ExternalId or principal tags, do not say who the caller is.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html',
    ],
  },
  'oidc.no-subject-restriction': {
    rationale:
      'Without an effective condition on sub (or job_workflow_ref, repository), any GitHub Actions workflow in any repository on GitHub can assume the role. AWS only checks this syntactically for new policies and never re-checks existing ones.',
    references: [
      'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub',
    ],
  },
  'oidc.iam-would-refuse': {
    rationale:
      'IAM has been reported (by engineers who hit it; AWS does not document it as a rule of the policy grammar) to refuse CreateRole and UpdateAssumeRolePolicy with MalformedPolicyDocument "Trust policy with trusted principal … token.actions.githubusercontent.com must evaluate, using StringEquals, StringLike or StringEqualsIgnoreCase, …:sub or …:job_workflow_ref which is not scoped to all" when an Allow statement trusting GitHub has no such condition, or only the value "*". The check is syntactic (a value such as "repo:*" passes it) and existing policies are never rechecked, so a policy like this one predates it: the next deployment that touches the trust policy fails until it is fixed. How wide the policy really is, the other oidc rules say at their own severity.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub',
      'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services',
    ],
  },
  'oidc.any-owner': {
    rationale:
      'A subject pattern such as repo:*, repo:octo* or *:ref:refs/heads/main matches repositories of owners nobody wrote down: anyone who creates such an account or organization on GitHub can assume the role.',
    references: [
      'https://securitylabs.datadoghq.com/articles/exploring-github-to-aws-keyless-authentication-flaws/',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub',
    ],
  },
  'oidc.owner-not-allowed': {
    rationale:
      'The configuration lists the GitHub owners whose workflows may reach this account; the role admits another one.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub',
    ],
  },
  'oidc.any-repo': {
    rationale:
      'A pattern like repo:my-org/* lets every repository of the owner in, including ones created later by anyone with repository-creation rights.',
    references: [
      'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub',
    ],
  },
  'oidc.any-ref': {
    rationale:
      'A pattern like repo:my-org/app:* admits every branch, tag and environment: anyone who can push a branch can run a workflow with the role, bypassing environment protection rules and branch protection.',
    references: [
      'https://docs.github.com/en/actions/deployment/targeting-different-environments/using-environments-for-deployment',
    ],
  },
  'oidc.pull-request': {
    rationale:
      'A pull_request subject is issued for workflows running on code proposed in a pull request, which may not have been reviewed; with such a trust anyone able to open a pull request that runs workflows can act with the role.',
    references: ['https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/'],
  },
  'oidc.for-all-values': {
    rationale:
      'ForAllValues: and …IfExists conditions are true when the key is absent from the request. GitHub sends environment only for a job that names one and enterprise_id only for repositories of an enterprise, and STS passes no condition key at all for claims such as repository_owner or event_name: on such a key the condition restricts nothing for the tokens that lack it (high, with such a token as witness). On sub and aud, which every GitHub token carries, it restricts as the plain operator does today, but it is the same trap waiting for a rename or another provider (low).',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists',
      'https://docs.github.com/en/actions/reference/security/oidc#oidc-token-claims',
    ],
  },
  'oidc.no-audience': {
    rationale:
      'Without an aud condition that restricts it (none at all, StringLike "*", a negated or IfExists form that lets any other value through), a token minted for another service (any audience a workflow asks for) is accepted as well; AWS recommends pinning aud to sts.amazonaws.com.',
    references: [
      'https://github.com/aws-actions/configure-aws-credentials#oidc-audience',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html',
    ],
  },
  'oidc.literal-wildcard': {
    rationale:
      'StringEquals compares * and ? literally: the value never matches as its author intended, so the role either fails or a second value is doing all the work.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String',
    ],
  },
  'oidc.unmatchable-subject': {
    rationale:
      'A sub value that no GitHub subject can match never admits anything: the workflow it was written for fails, and someone may "fix" it by widening the pattern.',
    references: ['https://docs.github.com/en/actions/reference/security/oidc#example-subject-claims'],
  },
  'oidc.mutable-subject': {
    rationale:
      'A name-based subject pattern follows the name, not the repository: after a rename or transfer, whoever takes the old name matches, and the renamed repository stops matching. Since July 2026 GitHub can issue immutable subjects (repo:OWNER@OWNER_ID/REPO@REPO_ID:…) that pin the owner and repository for good.',
    references: ['https://docs.github.com/en/actions/reference/security/oidc#immutable-subject-claims'],
  },
  'policy.duplicate-key': {
    rationale:
      'JSON keeps only the last of two equal keys: a second "StringEquals" object silently drops the first, as happened in a real trust policy whose sub condition vanished this way. The policy IAM stores is not the one that was reviewed.',
    references: [
      'https://securitylabs.datadoghq.com/articles/exploring-github-to-aws-keyless-authentication-flaws/',
    ],
  },
  'policy.unknown-element': {
    rationale:
      'IAM rejects a policy with an unknown condition operator (MalformedPolicyDocument), and ignores fields it does not know: the policy that was reviewed is not the one that will be in force, or cannot be deployed at all.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html',
    ],
  },
  'policy.too-complex': {
    rationale:
      'trustwatch analyses every trust policy exactly, within a bounded amount of search so that one policy cannot stall the audit. Some combinations of wildcard values (many values with several `*` each, such as `repo:*a*b*`) need more than that: nothing was concluded about who this role admits, so none of the other trust policy rules could vouch for it, and a role that admits too much would go unreported.',
    references: [
      'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String',
    ],
  },
  'role.admin-permissions': {
    rationale:
      'Every workflow the trust policy admits acts as an administrator of the account: one compromised dependency or one widened subject pattern is a full account takeover.',
    references: ['CIS AWS Foundations Benchmark v3.0.0 1.16', 'AWS Security Hub IAM.1'],
  },
  'role.long-session': {
    rationale:
      'Credentials a workflow obtains stay valid for the whole session: a leaked one is usable for hours after the job ended.',
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html'],
  },
  'role.chaining': {
    rationale:
      'A CI role that can call sts:AssumeRole reaches whatever the roles it can assume reach: its blast radius is theirs too, and their trust policies become part of this one.',
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining',
    ],
  },
  'drift.trust-wider': {
    rationale:
      'The role now lets in GitHub workflows, or other principals (an AWS account, role, user, service or SAML provider), that the reviewed policy did not: the witness below is a concrete token or principal that gets in now and did not before. A role that stops trusting GitHub but trusts someone else admits more, not less.',
    references: ['https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.iam-backdoor-role/'],
  },
  'drift.trust-narrower': {
    rationale:
      'The role admits fewer workflows or principals than reviewed: safe, but a deployment may start failing, and the baseline is out of date.',
    references: [],
  },
  'drift.new-ci-role': {
    rationale:
      'A role that GitHub Actions can assume appeared without being reviewed into the baseline: a new way into the account.',
    references: [],
  },
  'drift.provider-changed': {
    rationale:
      'Identity providers decide whose tokens the account accepts at all; a new provider or a new audience is a new door.',
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html'],
  },
  'keys.not-rotated': {
    rationale:
      'A long-lived access key that is never rotated stays valid for as long as it leaks: in CI logs, caches, forks and laptops. Rotation bounds the damage of a leak that nobody noticed.',
    references: [
      'CIS AWS Foundations Benchmark v3.0.0 1.14',
      'AWS Security Hub IAM.3',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#rotate-credentials',
    ],
  },
  'keys.unused': {
    rationale:
      'An active key nobody uses is pure risk: it can be stolen and used without breaking anything anyone would notice.',
    references: ['CIS AWS Foundations Benchmark v3.0.0 1.12', 'AWS Security Hub IAM.22'],
  },
  'keys.two-active': {
    rationale:
      'Two active keys double what can leak; outside the minutes of a rotation one of them is forgotten.',
    references: ['CIS AWS Foundations Benchmark v3.0.0 1.13'],
  },
  'keys.ci-user-static-key': {
    rationale:
      'GitHub Actions can assume a role with short-lived OIDC credentials; a static key in a CI secret is a long-lived credential that every workflow with access to the secret can exfiltrate.',
    references: [
      'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles',
    ],
  },
  'baseline.suppression-expired': {
    rationale:
      'An accepted risk was accepted until a date; past it, the finding it covered is reported again until someone reviews it.',
    references: [],
  },
  'baseline.missing': {
    rationale:
      'Drift rules (drift.trust-wider, drift.new-ci-role, drift.provider-changed) compare the account with the baseline a person reviewed; with none, a trust policy widened today looks like any other. The audit writes what it sees as a proposed baseline, which is never taken as reviewed: trusting the account as first seen would approve whatever is already wrong in it.',
    references: [],
  },
  'keys.created': {
    rationale:
      'A new static key for a CI user undoes the move to OIDC and is a classic persistence step: a fresh long-lived credential nobody planned.',
    references: ['https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.iam-backdoor-user/'],
  },
  'activity.novel-subject': {
    rationale:
      'A workflow assumed the role from a repository, branch or environment that never assumed it before and that the baseline does not know: either a new legitimate pipeline nobody reviewed, or someone using a trust policy wider than intended.',
    references: ['https://docs.github.com/en/actions/reference/security/oidc#example-subject-claims'],
  },
  'activity.assume-denied': {
    rationale:
      'Refused AssumeRoleWithWebIdentity calls are either a deployment that broke after a trust change, or someone probing which subjects a role admits.',
    references: ['https://github.com/aws-actions/configure-aws-credentials#oidc'],
  },
  'activity.static-key-from-actions': {
    rationale:
      'The key of an IAM user was used by aws-actions/configure-aws-credentials: a long-lived secret sits in GitHub where an OIDC role would give short-lived credentials.',
    references: [
      'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services',
    ],
  },
  'monitor.trail-not-logging': {
    rationale:
      'trustwatch sees IAM changes and role assumptions through CloudTrail: without a logging trail recording read and write management events the monitor is blind in that region.',
    references: ['CIS AWS Foundations Benchmark v3.0.0 3.1', 'AWS Security Hub CloudTrail.1'],
  },
  'monitor.tampered': {
    rationale:
      'Disabling trustwatch rules, deleting its topic or functions, or stopping a trail is what an attacker does first to act unseen.',
    references: [
      'CIS AWS Foundations Benchmark v3.0.0 4.5',
      'https://stratus-red-team.cloud/attack-techniques/AWS/aws.defense-evasion.cloudtrail-stop/',
    ],
  },
  'monitor.unhealthy': {
    rationale:
      'A trustwatch function keeps failing or is throttled, events wait in its failures queue, or Slack refuses its messages: until that is fixed some changes are not evaluated or some alerts do not arrive.',
    references: [],
  },
};
