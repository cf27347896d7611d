import { DEFAULT_PARTITION, partitionDnsSuffix } from '../oidc-provider.js';

/**
 * `data.aws_partition.NAME.ATTRIBUTE`, with an instance index (`[0]`, `["k"]`) when the data source has
 * `count` or `for_each`: every instance reads the same partition.
 */
const PARTITION_REFERENCE =
  /^data\.aws_partition\.[A-Za-z_][\w-]*(?:\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?\.([a-z_]+)$/;

/**
 * The value of an `aws_partition` data source's attribute in the default partition, as CloudFormation
 * templates read `AWS::Partition` and `AWS::URLSuffix`: `partition` and `id` (the AWS provider sets both
 * to the partition), `dns_suffix` (`amazonaws.com`) and `reverse_dns_prefix` (`com.amazonaws`).
 * Undefined for any other expression; a region (`data.aws_region…`) is never assumed.
 */
export function partitionAttribute(expression: string): string | undefined {
  const attribute = PARTITION_REFERENCE.exec(expression.trim())?.[1];
  const dnsSuffix = partitionDnsSuffix(DEFAULT_PARTITION);
  switch (attribute) {
    case 'partition':
    case 'id':
      return DEFAULT_PARTITION;
    case 'dns_suffix':
      return dnsSuffix;
    case 'reverse_dns_prefix':
      return dnsSuffix.split('.').reverse().join('.');
    default:
      return undefined;
  }
}
