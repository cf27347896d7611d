import { providerArnWithOwnAccount } from '../oidc-provider.js';
import { partitionAttribute } from './partition.js';
import type { TemplatePart } from './template.js';

/**
 * The IAM OIDC provider ARN a Terraform reference stands for, when reading can tell without planning;
 * undefined when it cannot.
 */
export type ResolveReference = (expression: string) => string | undefined;

/**
 * `aws_iam_openid_connect_provider.NAME.arn` (and `.id`, which the AWS provider sets to the ARN),
 * `data.aws_iam_openid_connect_provider.NAME.arn`, with an instance index (`[0]`, `["k"]`) when the
 * block has `count` or `for_each`.
 */
const PROVIDER_REFERENCE =
  /^(data\.)?aws_iam_openid_connect_provider\.([A-Za-z_][\w-]*)(\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?\.(arn|id)$/;

export interface ProviderReference {
  mode: 'managed' | 'data';
  name: string;
  /** `[0]`, `["k"]`: one instance of a block with `count` or `for_each`. */
  index?: string;
}

export function providerReference(expression: string): ProviderReference | undefined {
  const match = PROVIDER_REFERENCE.exec(expression.trim());
  // The data source's `id` is not documented as the ARN: only its `arn` is read.
  if (!match || (match[1] && match[4] !== 'arn')) return undefined;
  const reference: ProviderReference = { mode: match[1] ? 'data' : 'managed', name: match[2] as string };
  if (match[3]) reference.index = match[3];
  return reference;
}

/**
 * The value of a template (`"${…}"` parts with literal text) when reading can tell it: every
 * interpolation resolves (`resolve`, or an `aws_partition` attribute, read in the default partition),
 * or the only one that does not is the account of an IAM OIDC provider ARN
 * (`"arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/HOST"`),
 * which can only be the role's own account. A directive can write anything: never resolved.
 */
export function templateValue(
  parts: TemplatePart[],
  resolve: ResolveReference | undefined,
): string | undefined {
  if (parts.some((p) => 'directive' in p)) return undefined;
  const pieces = parts.map((p) =>
    'literal' in p
      ? p.literal
      : 'expression' in p
        ? (partitionAttribute(p.expression) ?? resolve?.(p.expression))
        : undefined,
  );
  if (pieces.every((p) => p !== undefined)) return pieces.join('');
  return providerArnWithOwnAccount(pieces);
}
