import type { GitHubSettings } from '../github/templates.js';
import type { ParsedPolicy, Statement } from '../policy/model.js';
import type { OwnerAnalysis } from '../policy/owners.js';
import type { AdmittedTokens } from '../policy/query.js';
import type { AccessAnalyzerCheck } from './access-analyzer.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

/** What every rule carries, as Prowler's check metadata does. Ids are public: keep them stable. */
export interface RuleMeta {
  id: string;
  severity: Severity;
  title: string;
  rationale: string;
  remediation: string;
  /** CIS / AWS Security Hub ids (with the benchmark version: CIS renumbers) and documentation links. */
  references: string[];
  /** The IAM Access Analyzer policy checks whose concern this rule decides. */
  accessAnalyzer?: AccessAnalyzerCheck[];
}

export interface RuleHit {
  message: string;
  evidence: Record<string, unknown>;
  /** Lower than the rule's own severity when this case of the rule is less dangerous. */
  severity?: Severity;
}

/** Everything a policy rule may ask, computed once per policy and only when a rule asks. */
export interface PolicyContext {
  parsed: ParsedPolicy;
  githubProviders: string[];
  owners(): OwnerAnalysis[];
  /** Admitted tokens, with the questions of the rules prepared in one search (see questions.ts). */
  tokens(): AdmittedTokens;
  /** The view of `tokens()` that decides with one Allow statement and the policy's Denies. */
  viewOf(statement: Statement): number;
  /** A name nobody wrote in the policy: it stands for every such name. */
  freshName: string;
  allowedOwners?: string[];
  /** GitHub-side settings: declared subject templates. */
  github?: GitHubSettings;
}

export interface PolicyRule extends RuleMeta {
  check(context: PolicyContext): RuleHit[];
}

/** The first link among a rule's references (others name standards, such as "CIS 1.14"). */
export function referenceUrl(rule: Pick<RuleMeta, 'references'>): string | undefined {
  return rule.references.find((r) => r.startsWith('https://'));
}
