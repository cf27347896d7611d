import { partitionOf } from '../activity/partition.js';
import type { Finding } from '../findings/finding.js';
import { ALL_RULES } from '../rules/catalog.js';
import { type RuleMeta, referenceUrl, type Severity } from '../rules/rule.js';
import { clip } from './clip.js';
import { productFields } from './product-fields.js';

/**
 * The AWS Security Finding Format (ASFF), as much of it as trustwatch fills. Limits are Security Hub's
 * (AwsSecurityFinding in the Security Hub API reference): Title 256 characters, Description 1024,
 * Remediation.Recommendation.Text 512, ProductFields at most 50 pairs (keys 128, values 2048).
 */
export interface AsffFinding {
  SchemaVersion: typeof SCHEMA_VERSION;
  Id: string;
  ProductArn: string;
  GeneratorId: string;
  AwsAccountId: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  FirstObservedAt: string;
  LastObservedAt: string;
  Severity: { Label: AsffSeverity; Original: Severity };
  /** Where a finding provider sets severity and types on updates (the top-level ones belong to the customer). */
  FindingProviderFields: { Severity: { Label: AsffSeverity; Original: Severity }; Types: string[] };
  Title: string;
  Description: string;
  Remediation: { Recommendation: { Text: string; Url?: string } };
  ProductFields: Record<string, string>;
  Resources: AsffResource[];
  RecordState: 'ACTIVE' | 'ARCHIVED';
  Workflow: { Status: AsffWorkflowStatus };
  ProductName: string;
  CompanyName: string;
}

export type AsffSeverity = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type AsffWorkflowStatus = 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED';

export interface AsffResource {
  Type: 'AwsIamRole' | 'AwsIamUser' | 'AwsIamAccessKey' | 'Other';
  Id: string;
  Partition: AsffPartition;
  Region: string;
  Details?: {
    AwsIamAccessKey?: { AccessKeyId: string; PrincipalName?: string; PrincipalType: 'IAMUser' };
    Other?: Record<string, string>;
  };
}

/** Where the findings are imported: the account and region of the Security Hub that takes them. */
export interface AsffTarget {
  partition: AsffPartition;
  region: string;
  account: string;
}

/** The partitions ASFF names resources in. */
export type AsffPartition = 'aws' | 'aws-cn' | 'aws-us-gov';

/** The target of an export in `region` of `account`; Security Hub has no ISO partition to name. */
export function asffTarget(region: string, account: string): AsffTarget {
  const partition = partitionOf(region);
  if (partition !== 'aws' && partition !== 'aws-cn' && partition !== 'aws-us-gov')
    throw new Error(`region ${region}: ASFF has no partition ${partition}`);
  return { partition, region, account };
}

export const SCHEMA_VERSION = '2018-10-08';
export const PRODUCT_NAME = 'trustwatch';

/** Security Hub's limits on one finding and one BatchImportFindings request. */
export const ASFF_LIMITS = {
  title: 256,
  description: 1024,
  recommendationText: 512,
  productFields: 50,
  productFieldKey: 128,
  productFieldValue: 2048,
  findingsPerRequest: 100,
  findingBytes: 240 * 1024,
  requestBytes: 6 * 1024 * 1024,
} as const;

const SEVERITY: Record<Severity, AsffSeverity> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'INFORMATIONAL',
};

const BEST_PRACTICES = 'Software and Configuration Checks/AWS Security Best Practices';

/**
 * ASFF finding types (namespace/category/classifier) of the rules that are more than a configuration
 * check: a change that opens a way in is a persistence technique, tampering with the monitor is defense
 * evasion, a subject never seen before is unusual behaviour.
 */
const TYPES: Record<string, string[]> = {
  'drift.trust-wider': ['TTPs/Persistence', BEST_PRACTICES],
  'drift.new-ci-role': ['TTPs/Persistence', BEST_PRACTICES],
  'keys.created': ['TTPs/Persistence', BEST_PRACTICES],
  'monitor.tampered': ['TTPs/Defense Evasion'],
  'activity.novel-subject': ['Unusual Behaviors/User'],
  'keys.not-rotated': [BEST_PRACTICES, 'Software and Configuration Checks/Industry and Regulatory Standards'],
  'keys.unused': [BEST_PRACTICES, 'Software and Configuration Checks/Industry and Regulatory Standards'],
};

/** The product ARN Security Hub gives every account for its own findings (no partner integration needed). */
export function defaultProductArn({ partition, region, account }: AsffTarget): string {
  return `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`;
}

/**
 * The ASFF `Id` of a finding: a function of its fingerprint alone, so that every export of the same
 * finding updates the one Security Hub already holds instead of adding another.
 */
export function asffId(finding: Pick<Finding, 'id'>): string {
  return `trustwatch/${finding.id}`;
}

/**
 * One trustwatch finding as one ASFF finding. `updatedAt` is when this record of it was made (the
 * export's time, so that each update is later than the one before; by default when the finding was
 * last seen). A resolved finding is archived; the workflow status is what Security Hub starts a new
 * finding with (on updates it keeps the one the people triaging gave it).
 */
export function toAsff(
  finding: Finding,
  rule: Pick<RuleMeta, 'references'> | undefined,
  target: AsffTarget,
  updatedAt: string = finding.lastSeen,
): AsffFinding {
  const severity = { Label: SEVERITY[finding.severity], Original: finding.severity };
  const types = TYPES[finding.ruleId] ?? [BEST_PRACTICES];
  const url = rule ? referenceUrl(rule) : undefined;
  // Each account imports its own findings under its own default product.
  const account = finding.account || target.account;
  return {
    SchemaVersion: SCHEMA_VERSION,
    Id: asffId(finding),
    ProductArn: defaultProductArn({ ...target, account }),
    GeneratorId: finding.ruleId,
    AwsAccountId: account,
    Types: types,
    CreatedAt: finding.firstSeen,
    UpdatedAt: updatedAt,
    FirstObservedAt: finding.firstSeen,
    LastObservedAt: finding.lastSeen,
    Severity: severity,
    FindingProviderFields: { Severity: severity, Types: types },
    // Security Hub's guidelines: the title names the affected resource.
    Title: clip(`${finding.title}: ${finding.resource.name}`, ASFF_LIMITS.title),
    Description: clip(description(finding), ASFF_LIMITS.description),
    Remediation: {
      Recommendation: {
        Text: clip(finding.remediation, ASFF_LIMITS.recommendationText),
        ...(url ? { Url: url } : {}),
      },
    },
    ProductFields: productFields(finding),
    Resources: resources(finding, target),
    RecordState: finding.status === 'resolved' ? 'ARCHIVED' : 'ACTIVE',
    Workflow: { Status: WORKFLOW[finding.status] },
    ProductName: PRODUCT_NAME,
    CompanyName: PRODUCT_NAME,
  };
}

const WORKFLOW: Record<Finding['status'], AsffWorkflowStatus> = {
  open: 'NEW',
  resolved: 'RESOLVED',
  suppressed: 'SUPPRESSED',
};

function description(finding: Finding): string {
  const suppressed = finding.suppression
    ? ` Suppressed until ${finding.suppression.expires}: ${finding.suppression.reason}`
    : '';
  return `${finding.message}${suppressed}`;
}

const RESOURCE_TYPE: Record<Finding['resource']['type'], AsffResource['Type']> = {
  role: 'AwsIamRole',
  user: 'AwsIamUser',
  'oidc-provider': 'Other',
  account: 'Other',
};

/**
 * The resource the finding is about, by ARN, and the access key it names when it names one (by its id:
 * access keys have no ARN). IAM is global: its resources carry the region of the export.
 */
function resources(finding: Finding, target: AsffTarget): AsffResource[] {
  const { resource } = finding;
  const region = finding.region === 'global' || finding.region === '' ? target.region : finding.region;
  const main: AsffResource = {
    Type: RESOURCE_TYPE[resource.type],
    Id: resource.arn,
    Partition: target.partition,
    Region: region,
    ...(RESOURCE_TYPE[resource.type] === 'Other'
      ? { Details: { Other: { type: clip(resource.type, 1024), name: clip(resource.name, 1024) } } }
      : {}),
  };
  const keyId = finding.evidence.keyId;
  if (typeof keyId !== 'string' || keyId === '') return [main];
  const key: AsffResource = {
    Type: 'AwsIamAccessKey',
    Id: keyId,
    Partition: target.partition,
    Region: region,
    Details: {
      AwsIamAccessKey: {
        AccessKeyId: keyId,
        PrincipalType: 'IAMUser',
        ...(resource.type === 'user' ? { PrincipalName: resource.name } : {}),
      },
    },
  };
  return [main, key];
}

const RULES = new Map(ALL_RULES.map((rule) => [rule.id, rule]));

/** The findings as ASFF, each with its rule's reference link; `updatedAt` as in `toAsff`. */
export function asffFindings(findings: Finding[], target: AsffTarget, updatedAt?: string): AsffFinding[] {
  return findings.map((f) => toAsff(f, RULES.get(f.ruleId), target, updatedAt ?? f.lastSeen));
}
