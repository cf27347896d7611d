import { ACCESS_ANALYZER_CHECKS, type AccessAnalyzerCheck } from '../../shared/rules/access-analyzer.js';
import { RULE_GROUPS, type RuleGroup } from '../../shared/rules/catalog.js';
import type { RuleMeta } from '../../shared/rules/rule.js';
import { toJson } from './json.js';
import { cell, markdownTable } from './markdown.js';
import { painter, severityLabel } from './style.js';
import type { TableOptions } from './table.js';

const FINDING_TYPE: Record<AccessAnalyzerCheck['findingType'], string> = {
  SECURITY_WARNING: 'security warning',
  WARNING: 'general warning',
};

/** The rules of the catalog that decide an Access Analyzer check's concern. */
function rulesFor(check: AccessAnalyzerCheck, rules: RuleMeta[]): RuleMeta[] {
  return rules.filter((rule) => rule.accessAnalyzer?.includes(check));
}

/** For tools: every rule with all its metadata, and the Access Analyzer checks mapped to rule ids. */
export function rulesJson(rules: RuleMeta[]): string {
  return toJson({
    rules: rules.map((rule) => ({
      id: rule.id,
      severity: rule.severity,
      title: rule.title,
      rationale: rule.rationale,
      remediation: rule.remediation,
      references: rule.references,
      accessAnalyzer: (rule.accessAnalyzer ?? []).map((check) => check.title),
    })),
    accessAnalyzer: ACCESS_ANALYZER_CHECKS.map((check) => ({
      ...check,
      ruleIds: rulesFor(check, rules).map((rule) => rule.id),
    })),
  });
}

/** For a terminal: each rule as a block, severity first, its texts indented beneath. */
export function rulesTable(rules: RuleMeta[], { color }: TableOptions): string {
  const paint = painter(color);
  const idWidth = Math.max(0, ...rules.map((rule) => rule.id.length));
  const blocks = rules.map((rule) => {
    const lines = [
      `${severityLabel(rule.severity, paint)}  ${paint('bold', rule.id.padEnd(idWidth))}  ${rule.title}`,
      `  why: ${rule.rationale}`,
      `  fix: ${rule.remediation}`,
    ];
    if (rule.references.length > 0) lines.push(`  see: ${rule.references.join('\n       ')}`);
    for (const check of rule.accessAnalyzer ?? []) {
      lines.push(`  IAM Access Analyzer: "${check.title}" (${FINDING_TYPE[check.findingType]})`);
    }
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

/** GitHub's heading anchors: lower case, punctuation other than `-` and `_` dropped, spaces to `-`. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const ruleLink = (rule: RuleMeta) => `[\`${rule.id}\`](#${anchor(rule.id)})`;
const reference = (ref: string) => (ref.startsWith('https://') ? `<${ref}>` : md(ref));

/** Catalog texts are plain prose: `*` and `_` in them (repo:org/*, job_workflow_ref) are not emphasis. */
function md(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') ? part : part.replace(/[*_]/g, '\\$&')))
    .join('');
}

const tableCell = (text: string) => cell(md(text));

function ruleSection(rule: RuleMeta): string[] {
  const out = [
    `### \`${rule.id}\``,
    '',
    `**${rule.severity}**: ${md(rule.title)}`,
    '',
    `**Why it matters.** ${md(rule.rationale)}`,
    '',
    `**How to fix it.** ${md(rule.remediation)}`,
    '',
  ];
  if (rule.references.length > 0) {
    out.push('**References**', '', ...rule.references.map((ref) => `- ${reference(ref)}`), '');
  }
  if (rule.accessAnalyzer && rule.accessAnalyzer.length > 0) {
    const checks = rule.accessAnalyzer.map(
      (check) => `[${check.title}](${check.url}) (${FINDING_TYPE[check.findingType]})`,
    );
    out.push(`**IAM Access Analyzer:** ${checks.join(', ')}`, '');
  }
  return out;
}

function groupSection(group: RuleGroup): string[] {
  return [`## ${group.title}`, '', group.decidedBy, '', ...group.rules.flatMap(ruleSection)];
}

/** Access Analyzer's GitHub checks and the rules (of those shown) that decide the same concerns. */
function accessAnalyzerSection(rules: RuleMeta[]): string[] {
  const checks = ACCESS_ANALYZER_CHECKS.filter((check) => rulesFor(check, rules).length > 0);
  if (checks.length === 0) return [];
  return [
    '## IAM Access Analyzer GitHub checks',
    '',
    'IAM Access Analyzer policy validation (the IAM console policy editor,',
    '`aws accessanalyzer validate-policy`) warns about GitHub OIDC trust policies by their shape. The',
    'trustwatch rules that decide the same concerns by what the policy admits:',
    '',
    ...markdownTable(
      ['Access Analyzer finding', 'type', 'what it looks for', 'trustwatch rules'],
      checks.map((check) => [
        `[${check.title}](${check.url})`,
        FINDING_TYPE[check.findingType],
        tableCell(check.looksFor),
        rulesFor(check, rules).map(ruleLink).join(', '),
      ]),
    ),
    '',
    ...checks.flatMap((check) => [`**${check.title}.** ${md(check.trustwatch)}`, '']),
  ];
}

/** The catalog as docs/rules.md: a summary table, each rule in full, then the Access Analyzer mapping. */
export function rulesMarkdown(groups: RuleGroup[] = RULE_GROUPS): string {
  const rules = groups.flatMap((group) => group.rules);
  const out = [
    '# trustwatch rules',
    '',
    '<!-- Generated from the rule modules in shared/rules/ by `npm run docs:rules`: edit those, not this file. -->',
    '',
    'Every finding trustwatch reports names one of these rules by its id. Ids are stable: suppressions,',
    'SNS subscription filters (`ruleId`) and code-scanning alerts refer to them. `trustwatch rules` prints',
    'the same catalog (`--format json` for tools, `--format markdown` for this page).',
    '',
    ...markdownTable(
      ['rule', 'severity', 'what it reports'],
      rules.map((rule) => [ruleLink(rule), rule.severity, tableCell(rule.title)]),
    ),
    '',
    ...groups.flatMap(groupSection),
    ...accessAnalyzerSection(rules),
  ];
  return `${out.join('\n').trimEnd()}\n`;
}

/** The catalog's groups with only the rules named by `ids` (all when none is), and the ids it does not know. */
export function selectRules(ids: string[]): { groups: RuleGroup[]; unknown: string[] } {
  if (ids.length === 0) return { groups: RULE_GROUPS, unknown: [] };
  const wanted = new Set(ids);
  const groups = RULE_GROUPS.map((group) => ({
    ...group,
    rules: group.rules.filter((r) => wanted.has(r.id)),
  }));
  const known = new Set(RULE_GROUPS.flatMap((group) => group.rules.map((rule) => rule.id)));
  return {
    groups: groups.filter((group) => group.rules.length > 0),
    unknown: ids.filter((id) => !known.has(id)),
  };
}
