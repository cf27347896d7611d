import type { Finding } from './finding.js';

/** A page a person opens to look at what a finding is about. */
export interface FactLink {
  label: string;
  url: string;
  /** What the page is, for renderers that word or mark links by kind (a Slack button's action). */
  target: 'iam-console' | 'cloudtrail-console';
}

/** The characters IAM allows in a role or user name: anything else is not a real role or user. */
const IAM_NAME = /^[\w+=,.@-]{1,128}$/;

/**
 * The IAM console page of the role, user or provider. IAM is global, its console lives in us-east-1;
 * GovCloud and China have their own console hosts. No link is made from a name IAM would not accept.
 */
export function resourceLink(resource: Finding['resource']): FactLink | undefined {
  const partition = resource.arn.split(':')[1];
  const host =
    partition === 'aws-us-gov'
      ? 'https://console.amazonaws-us-gov.com'
      : partition === 'aws-cn'
        ? 'https://console.amazonaws.cn'
        : 'https://us-east-1.console.aws.amazon.com';
  const page = `${host}/iam/home#/`;
  const link = (label: string, path: string): FactLink => ({
    label,
    url: `${page}${path}`,
    target: 'iam-console',
  });
  switch (resource.type) {
    case 'role':
      return IAM_NAME.test(resource.name)
        ? link('Role', `roles/details/${encodeURIComponent(resource.name)}`)
        : undefined;
    case 'user':
      return IAM_NAME.test(resource.name)
        ? link('User', `users/details/${encodeURIComponent(resource.name)}`)
        : undefined;
    case 'oidc-provider':
      return link('OIDC provider', `identity_providers/details/OPENID/${encodeURIComponent(resource.arn)}`);
    case 'account':
      return undefined;
  }
}
