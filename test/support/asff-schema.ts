import { z } from 'zod';

/**
 * What Security Hub requires of a finding in BatchImportFindings, written from the AWS Security Hub
 * User Guide ("Required top-level ASFF attributes") and the API reference (AwsSecurityFinding,
 * Resource): the twelve required attributes, each with its documented form and limits, and the limits
 * of the optional ones trustwatch fills. Unknown attributes pass (the format has many more).
 */
const timestamp = z.iso.datetime({ offset: true });
const NAMESPACES = [
  'Software and Configuration Checks',
  'TTPs',
  'Effects',
  'Unusual Behaviors',
  'Sensitive Data Identifications',
];
const findingType = z
  .string()
  .refine((t) => NAMESPACES.includes(t.split('/')[0] ?? '') && t.split('/').length <= 3, {
    message: 'namespace/category/classifier with a documented namespace',
  });

export const AsffRequiredSchema = z.looseObject({
  SchemaVersion: z.literal('2018-10-08'),
  Id: z.string().min(1).max(512),
  ProductArn: z.string().regex(/^arn:aws(-cn|-us-gov)?:securityhub:[a-z0-9-]+:\d{12}:product\/[^/]+\/[^/]+$/),
  GeneratorId: z.string().min(1).max(512),
  AwsAccountId: z.string().regex(/^\d{12}$/),
  Types: z.array(findingType).min(1).max(50),
  CreatedAt: timestamp,
  UpdatedAt: timestamp,
  Severity: z.looseObject({ Label: z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']) }),
  Title: z.string().min(1).max(256),
  Description: z.string().min(1).max(1024),
  Resources: z
    .array(
      z.looseObject({
        Type: z.string().min(1),
        Id: z.string().min(1),
        Partition: z.optional(z.enum(['aws', 'aws-cn', 'aws-us-gov'])),
        Region: z.optional(z.string().min(1)),
      }),
    )
    .min(1)
    .max(32),
  FirstObservedAt: z.optional(timestamp),
  LastObservedAt: z.optional(timestamp),
  RecordState: z.optional(z.enum(['ACTIVE', 'ARCHIVED'])),
  Workflow: z.optional(z.looseObject({ Status: z.enum(['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED']) })),
  Remediation: z.optional(
    z.looseObject({
      Recommendation: z.looseObject({ Text: z.optional(z.string().max(512)), Url: z.optional(z.url()) }),
    }),
  ),
  ProductFields: z.optional(
    z
      .record(z.string().min(1).max(128), z.string().max(2048))
      .refine((fields) => Object.keys(fields).length <= 50, { message: 'at most 50 ProductFields' })
      .refine((fields) => Object.keys(fields).every((k) => !k.startsWith('aws/')), {
        message: 'aws/ keys are Security Hub’s own',
      }),
  ),
});

/** The BatchImportFindings request body: 1 to 100 findings. */
export const AsffDocumentSchema = z.object({ Findings: z.array(AsffRequiredSchema).max(100) });
