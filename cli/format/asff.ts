import type { Finding } from '../../shared/findings/finding.js';
import { asffFindings, asffTarget } from '../../shared/securityhub/asff.js';
import { toJson } from './json.js';

/** The region findings are imported into when none is given: the CLI's own AWS region settings. */
export function asffRegion(
  region: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): {
  region: string;
  assumed?: string;
} {
  if (region) return { region };
  const fromEnv = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (fromEnv)
    return { region: fromEnv, assumed: `Security Hub region ${fromEnv} (from the AWS_REGION environment)` };
  return { region: 'us-east-1', assumed: 'Security Hub region us-east-1 (no --region, no AWS_REGION)' };
}

/**
 * The findings as a BatchImportFindings request body, `{"Findings": [...]}`, for the account they are
 * about (each finding names its own) in `region`'s Security Hub: `aws securityhub batch-import-findings
 * --cli-input-json file://…` takes it (100 findings a call at most).
 */
export function asffJson(findings: Finding[], account: string, region: string): string {
  return toJson({ Findings: asffFindings(findings, asffTarget(region, account)) });
}
