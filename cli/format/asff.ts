import type { Finding } from '../../shared/findings/finding.js';
import { ASFF_LIMITS, asffFindings, asffTarget } from '../../shared/securityhub/asff.js';
import { toJson } from './json.js';

/** The region findings are imported into when none is given: the CLI's own AWS region settings. */
export function asffRegion(
  region: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { region: string; assumed?: string } {
  if (region) return { region };
  const fromEnv = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (fromEnv)
    return { region: fromEnv, assumed: `Security Hub region ${fromEnv} (from the AWS_REGION environment)` };
  return { region: 'us-east-1', assumed: 'Security Hub region us-east-1 (no --region, no AWS_REGION)' };
}

/**
 * The findings as a BatchImportFindings request body, `{"Findings": [...]}`, for the account they are
 * about (each finding names its own; `account` stands in for one that does not) in the Security Hub
 * of `--region` (`aws securityhub batch-import-findings --cli-input-json file://…` takes it), with
 * what the reader must know on standard error: the region assumed, a document over one call's 100.
 */
export function asffOutput(
  findings: Finding[],
  account: string,
  regionOption: string | undefined,
): { text: string; notes: string[] } {
  const { region, assumed } = asffRegion(regionOption);
  const notes = assumed ? [`assumed ${assumed}`] : [];
  if (findings.length > ASFF_LIMITS.findingsPerRequest)
    notes.push(
      `${findings.length} findings: BatchImportFindings takes ${ASFF_LIMITS.findingsPerRequest} a call, import the Findings array in slices`,
    );
  return { text: toJson({ Findings: asffFindings(findings, asffTarget(region, account)) }), notes };
}
