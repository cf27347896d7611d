import { SEVERITIES, type Severity } from '../rules/rule.js';
import * as z from '../zod.js';
import { MetricsSchema, type Report, SeverityCountsSchema } from './model.js';

/** Oldest open findings named in the summary; the report lists more. */
const OLDEST_IN_SUMMARY = 3;

/**
 * What the monthly report publishes to the alert topic: the headline numbers and where the report is.
 * Small and bounded whatever the account's size, so it always fits one SNS message.
 */
export const ReportSummarySchema = z.object({
  account: z.string(),
  month: z.string(),
  metrics: MetricsSchema,
  /** The previous month's numbers, when its report was found. */
  previous: z.nullable(MetricsSchema),
  openAtEnd: SeverityCountsSchema,
  oldestOpen: z.array(
    z.object({
      severity: z.enum(SEVERITIES as [Severity, ...Severity[]]),
      title: z.string(),
      resource: z.string(),
      days: z.int(),
    }),
  ),
  notes: z.int(),
  location: z.object({
    /** The HTML report, e.g. s3://bucket/111122223333/2026-10/report.html, or a file path. */
    html: z.string(),
    json: z.string(),
    /** The AWS console page of the HTML object, when it is in S3. */
    console: z.optional(z.string()),
  }),
});
export type ReportSummary = z.infer<typeof ReportSummarySchema>;

export function reportSummary(report: Report, location: ReportSummary['location']): ReportSummary {
  return {
    account: report.account,
    month: report.month,
    metrics: report.metrics,
    previous: report.comparison?.previous ?? null,
    openAtEnd: report.posture.openAtEnd,
    oldestOpen: report.posture.oldestOpen.items.slice(0, OLDEST_IN_SUMMARY).map((f) => ({
      severity: f.severity,
      title: f.title,
      resource: f.resource,
      days: f.days,
    })),
    notes: report.notes.length,
    location,
  };
}
