import { createHash } from 'node:crypto';
import { relative, resolve, sep } from 'node:path';
import { POLICY_RULES } from '../../shared/rules/catalog.js';
import type { RuleMeta, Severity } from '../../shared/rules/rule.js';
import type { LintResult } from '../model.js';
import { isFileError } from '../model.js';
import { toJson } from './json.js';

type Level = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, Level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning ranks alerts by this score (CVSS-like: 9.0+ critical, 7.0+ high, 4.0+ medium). */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

// The package has no homepage yet; code scanning shows this link next to the tool name.
const INFORMATION_URI = 'https://github.com/trustwatch/trustwatch';

/** SARIF 2.1.0 as GitHub code scanning accepts it (upload with github/codeql-action/upload-sarif). */
export function lintSarif(results: LintResult[], version: string): string {
  const ruleIndex = new Map(POLICY_RULES.map((rule, i) => [rule.id, i]));
  const errors = results.filter(isFileError);
  return toJson({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'trustwatch',
            informationUri: INFORMATION_URI,
            version,
            rules: POLICY_RULES.map(sarifRule),
          },
        },
        invocations: [
          {
            executionSuccessful: errors.length === 0,
            toolExecutionNotifications: errors.map((e) => ({
              level: 'error',
              message: { text: `${e.file}: ${e.error}` },
              locations: [location(artifactUri(e.path))],
            })),
          },
        ],
        results: results.flatMap((r) =>
          isFileError(r)
            ? []
            : r.findings.map((f) => {
                const uri = artifactUri(r.path);
                // A role of list-roles output has no line of its own: name it in the text.
                const text = r.role ? `${f.message} (role ${r.role})` : f.message;
                return {
                  ruleId: f.ruleId,
                  ruleIndex: ruleIndex.get(f.ruleId),
                  level: LEVEL[f.severity],
                  message: { text },
                  locations: [location(uri)],
                  partialFingerprints: {
                    primaryLocationLineHash: fingerprint(f.ruleId, `${uri}#${r.role ?? ''}`, f.message),
                  },
                };
              }),
        ),
      },
    ],
  });
}

function sarifRule(rule: RuleMeta) {
  const references = rule.references.map((ref) => `- ${ref}`);
  const markdown = [`**Why it matters.** ${rule.rationale}`, `**How to fix.** ${rule.remediation}`];
  if (references.length > 0) markdown.push(`**References**\n\n${references.join('\n')}`);
  return {
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    help: { text: rule.remediation, markdown: markdown.join('\n\n') },
    ...(rule.references[0] ? { helpUri: rule.references[0] } : {}),
    properties: { tags: ['security'], 'security-severity': SECURITY_SEVERITY[rule.severity] },
    defaultConfiguration: { level: LEVEL[rule.severity] },
  };
}

/** Code scanning resolves URIs against the repository root: relative, forward slashes, percent-encoded. */
function artifactUri(path: string): string {
  return encodeURI(relative(process.cwd(), resolve(path)).split(sep).join('/'));
}

function location(uri: string) {
  return { physicalLocation: { artifactLocation: { uri }, region: { startLine: 1 } } };
}

/** Stable across runs and spellings of the path, so code scanning keeps one alert per finding. */
function fingerprint(ruleId: string, where: string, message: string): string {
  return createHash('sha256').update(`${ruleId}\0${where}\0${message}`).digest('hex').slice(0, 32);
}
