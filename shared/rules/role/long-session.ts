import { type AccountRule, roleResource } from '../account-rule.js';

export const roleLongSession: AccountRule = {
  id: 'role.long-session',
  severity: 'low',
  title: 'GitHub-trusted role allows long sessions',
  rationale:
    'Credentials a workflow obtains stay valid for the whole session: a leaked one is usable for hours after the job ended.',
  remediation:
    'Set the role maximum session duration to 1 hour (3600 s) or less; jobs that run longer can re-assume.',
  references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html'],
  check({ githubRoles, config }) {
    return githubRoles
      .filter((r) => r.maxSessionDuration > config.maxSessionSeconds)
      .map((role) => ({
        resource: roleResource(role),
        message: `${role.name} allows sessions of ${role.maxSessionDuration / 3600} hours (limit ${config.maxSessionSeconds / 3600})`,
        evidence: { role: role.name, maxSessionDuration: role.maxSessionDuration },
      }));
  },
};
