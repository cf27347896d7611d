/**
 * IAM OIDC provider ARNs that infrastructure code writes without knowing its account: a provider created
 * next to the role (CloudFormation `AWS::IAM::OIDCProvider`, Terraform `aws_iam_openid_connect_provider`)
 * or an ARN that interpolates the account (`${AWS::AccountId}`, `data.aws_caller_identity…account_id`).
 */

/** The partition assumed where the code does not write one (`AWS::Partition`, a Terraform provider's ARN). */
export const DEFAULT_PARTITION = 'aws';

/**
 * The base DNS domain of a partition, which service principals end with (`AWS::URLSuffix`, Terraform's
 * `data.aws_partition…dns_suffix`): `amazonaws.com`, `amazonaws.com.cn` in China.
 */
export function partitionDnsSuffix(partition: string): string {
  return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/**
 * Stands in for the account of an IAM OIDC provider ARN whose account is not written literally
 * (`${AWS::AccountId}`, a parameter, an import, a Terraform attribute). STS only accepts a web identity
 * provider of the role's own account, so the provider ARN admits tokens of its host in that account or
 * nothing at all; and trustwatch matches a Federated principal by the provider after `oidc-provider/`.
 * Reading it as the role's own account judges the trust as deployed to work, and recognises the GitHub
 * provider.
 */
export const OWN_ACCOUNT = '${AWS::AccountId}';

/** The ARN IAM gives the provider of `url` in the role's own account: the URL without its scheme. */
export function ownAccountProviderArn(partition: string, url: string): string {
  return `arn:${partition}:iam::${OWN_ACCOUNT}:oidc-provider/${url.replace(/^https:\/\//, '')}`;
}

const SLOT = '\u0001';

/**
 * Pieces of a string (`undefined` where a piece is unknown) that make an IAM OIDC provider ARN whose one
 * unknown piece is the whole account: that ARN with `OWN_ACCOUNT`; otherwise undefined.
 */
export function providerArnWithOwnAccount(pieces: (string | undefined)[]): string | undefined {
  const text = pieces.map((p) => p ?? SLOT).join('');
  const [before, after, ...more] = text.split(SLOT);
  const arn =
    !more.length && /^arn:[^:]+:iam::$/.test(before ?? '') && /^:oidc-provider\/./.test(after ?? '');
  return arn ? text.replace(SLOT, OWN_ACCOUNT) : undefined;
}
