import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { rulesMarkdown } from '../../cli/format/rules.js';
import { ACCESS_ANALYZER_CHECKS } from '../../shared/rules/access-analyzer.js';
import { ALL_RULES, RULE_GROUPS } from '../../shared/rules/catalog.js';
import { type RuleMeta, SEVERITIES } from '../../shared/rules/rule.js';
import { ensureBuilt, ROOT, trustwatch } from './run.js';

beforeAll(ensureBuilt);

interface JsonCatalog {
  rules: (Omit<RuleMeta, 'accessAnalyzer'> & { accessAnalyzer: string[] })[];
  accessAnalyzer: { title: string; findingType: string; url: string; ruleIds: string[] }[];
}

const RULES_DIR = join(ROOT, 'shared/rules');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** A literal inside a regular expression. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const isRuleMeta = (value: unknown): value is RuleMeta =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as RuleMeta).id === 'string' &&
  typeof (value as RuleMeta).severity === 'string' &&
  typeof (value as RuleMeta).rationale === 'string';

describe('the rule catalog', () => {
  it('registers every rule module in shared/rules/, once, with complete metadata', async () => {
    const exported: { file: string; rule: RuleMeta }[] = [];
    for (const file of sourceFiles(RULES_DIR)) {
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      for (const value of Object.values(module)) {
        if (isRuleMeta(value)) exported.push({ file: relative(ROOT, file), rule: value });
      }
    }
    // A rule written but not registered in shared/rules/catalog.ts would never run nor be documented.
    const unregistered = exported.filter(({ rule }) => !ALL_RULES.includes(rule));
    expect(unregistered.map(({ file, rule }) => `${rule.id} (${file})`)).toEqual([]);
    expect(exported.length).toBeGreaterThanOrEqual(ALL_RULES.length);

    const ids = ALL_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of ALL_RULES) {
      expect(rule.id).toMatch(/^[a-z]+\.[a-z]+(-[a-z]+)*$/);
      expect(SEVERITIES).toContain(rule.severity);
      for (const text of [rule.title, rule.rationale, rule.remediation]) expect(text.trim()).not.toBe('');
      // A standard is cited with its version (CIS renumbers its controls between versions), a document by its link.
      for (const ref of rule.references) {
        expect(ref, rule.id).toMatch(
          /^(https:\/\/\S+|CIS AWS Foundations Benchmark v\d+\.\d+\.\d+ \d+(\.\d+)*|AWS Security Hub [A-Za-z0-9]+\.\d+)$/,
        );
      }
    }
  });

  it('maps each IAM Access Analyzer GitHub check to the rules that decide its concern', () => {
    const mapped = (title: string) =>
      ALL_RULES.filter((rule) => rule.accessAnalyzer?.some((check) => check.title === title)).map(
        (r) => r.id,
      );
    expect(ACCESS_ANALYZER_CHECKS.map((check) => [check.title, check.findingType])).toEqual([
      ['Missing github repo condition key', 'SECURITY_WARNING'],
      ['Specific github repo and branch recommended', 'WARNING'],
      ['Missing condition key for oidc principal', 'SECURITY_WARNING'],
    ]);
    expect(mapped('Missing github repo condition key')).toEqual(['oidc.no-subject-restriction']);
    expect(mapped('Specific github repo and branch recommended')).toEqual([
      'oidc.any-owner',
      'oidc.any-repo',
      'oidc.any-ref',
    ]);
    expect(mapped('Missing condition key for oidc principal')).toEqual([
      'oidc.no-subject-restriction',
      'oidc.no-audience',
    ]);
    for (const check of ACCESS_ANALYZER_CHECKS) {
      expect(check.url).toMatch(
        /^https:\/\/docs\.aws\.amazon\.com\/IAM\/latest\/UserGuide\/access-analyzer-reference-policy-checks\.html#access-analyzer-reference-policy-checks-(security-warning|general-warning)-[a-z-]+$/,
      );
    }
  });
});

describe('docs/rules.md', () => {
  it('is the catalog as rendered now (regenerate it with npm run docs:rules)', () => {
    const committed = readFileSync(join(ROOT, 'docs/rules.md'), 'utf8');
    // The message says what to do; the diff shows what changed.
    expect(committed, 'docs/rules.md is stale: run `npm run docs:rules` and commit the result').toBe(
      rulesMarkdown(),
    );
  });

  it('documents every rule in full and links each from the summary table', () => {
    const page = rulesMarkdown();
    for (const rule of ALL_RULES) {
      const section = page.slice(page.indexOf(`### \`${rule.id}\``));
      expect(section, rule.id).toContain(`**${rule.severity}**: `);
      expect(section).toContain('**Why it matters.** ');
      expect(page).toMatch(
        new RegExp(
          `^\\| \\[\`${literal(rule.id)}\`\\]\\(#${literal(rule.id.replace('.', ''))}\\) +\\| ${rule.severity} +\\|`,
          'm',
        ),
      );
      for (const ref of rule.references.filter((r) => r.startsWith('https://'))) {
        expect(section).toContain(`- <${ref}>`);
      }
    }
    for (const group of RULE_GROUPS) expect(page).toContain(`## ${group.title}\n\n${group.decidedBy}\n`);
    // Prose from the modules is not markdown: "repo:my-org/*" keeps its star.
    expect(page).toContain('"repo:my-org/\\*"');
    expect(page).toMatch(
      /\| \[Specific github repo and branch recommended\]\(https:[^)]+\) +\| general warning +\| .* \| \[`oidc\.any-owner`\]\(#oidcany-owner\), \[`oidc\.any-repo`\]\(#oidcany-repo\), \[`oidc\.any-ref`\]\(#oidcany-ref\) +\|/,
    );
  });

  it('shows a newly registered rule without any other change', () => {
    const rule: RuleMeta = {
      id: 'oidc.example-new',
      severity: 'critical',
      title: 'A rule added later',
      rationale: 'Why it matters.',
      remediation: 'How to fix it.',
      references: ['AWS Security Hub IAM.1'],
    };
    const groups = RULE_GROUPS.map((g, i) => (i === 0 ? { ...g, rules: [...g.rules, rule] } : g));
    const page = rulesMarkdown(groups);
    expect(page).toMatch(
      /^\| \[`oidc\.example-new`\]\(#oidcexample-new\) +\| critical +\| A rule added later +\|$/m,
    );
    expect(page).toContain('### `oidc.example-new`\n\n**critical**: A rule added later');
    expect(page).toContain('- AWS Security Hub IAM.1');
  });
});

describe('trustwatch rules', () => {
  it('prints every rule with its severity, title, rationale, remediation and references', () => {
    const run = trustwatch(['rules']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    for (const rule of ALL_RULES) {
      expect(run.stdout).toMatch(
        new RegExp(`^${rule.severity.toUpperCase()} +${literal(rule.id)} +${literal(rule.title)}$`, 'm'),
      );
      expect(run.stdout).toContain(`  why: ${rule.rationale}\n`);
      expect(run.stdout).toContain(`  fix: ${rule.remediation}\n`);
      for (const ref of rule.references) expect(run.stdout).toContain(ref);
    }
    expect(run.stdout).toContain(
      '  IAM Access Analyzer: "Missing github repo condition key" (security warning)',
    );
  });

  it('--format json carries the whole catalog and the Access Analyzer mapping', () => {
    const run = trustwatch(['rules', '--format', 'json']);
    expect(run.status).toBe(0);
    const catalog = JSON.parse(run.stdout) as JsonCatalog;
    expect(catalog.rules.map((r) => r.id)).toEqual(ALL_RULES.map((r) => r.id));
    for (const [i, rule] of catalog.rules.entries()) {
      const meta = ALL_RULES[i] as RuleMeta;
      expect(rule).toEqual({
        id: meta.id,
        severity: meta.severity,
        title: meta.title,
        rationale: meta.rationale,
        remediation: meta.remediation,
        references: meta.references,
        accessAnalyzer: (meta.accessAnalyzer ?? []).map((c) => c.title),
      });
    }
    expect(catalog.accessAnalyzer.find((c) => c.title === 'Missing github repo condition key')).toMatchObject(
      {
        findingType: 'SECURITY_WARNING',
        ruleIds: ['oidc.no-subject-restriction'],
      },
    );
  });

  it('--format markdown is docs/rules.md', () => {
    const run = trustwatch(['rules', '--format', 'markdown']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(readFileSync(join(ROOT, 'docs/rules.md'), 'utf8'));
  });

  it('shows only the rules named, and exits 2 naming a rule it does not know', () => {
    const run = trustwatch(['rules', 'keys.not-rotated', 'oidc.any-owner', '--format', 'json']);
    expect(run.status).toBe(0);
    // Catalog order, whatever the order asked.
    expect((JSON.parse(run.stdout) as JsonCatalog).rules.map((r) => r.id)).toEqual([
      'oidc.any-owner',
      'keys.not-rotated',
    ]);
    const unknown = trustwatch(['rules', 'oidc.any-owner', 'oidc.no-such-rule']);
    expect(unknown.status).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('no rule "oidc.no-such-rule"');
    expect(trustwatch(['rules', '--format', 'sarif']).status).toBe(2);
  });
});
