import { createHash } from 'node:crypto';
import { relative, resolve, sep } from 'node:path';
import type { AuditResult } from '../../shared/audit/audit.js';
import type { SourcePosition } from '../../shared/iac/model.js';
import { ALL_RULES } from '../../shared/rules/catalog.js';
import { type RuleMeta, referenceUrl, type Severity } from '../../shared/rules/rule.js';
import type { FileError, LocatedFinding, PolicyResult } from '../model.js';
import { isFileError } from '../model.js';
import { toJson } from './json.js';
import { JsonArrayWriter, jsonAround, STREAMED, type Write } from './json-stream.js';
import type { LintWriter } from './lint-writer.js';
import { Spool } from './spool.js';

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
const ruleIndex = new Map(ALL_RULES.map((rule, i) => [rule.id, i]));

/** The tool section: every rule of the catalog with its metadata. */
function driver(version: string) {
  return { name: 'trustwatch', informationUri: INFORMATION_URI, version, rules: ALL_RULES.map(sarifRule) };
}

/** One run of trustwatch: the rule catalog, the results, and how the invocation went. */
function sarifDocument(version: string, invocation: object, results: unknown) {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: driver(version) }, results, invocations: [invocation] }],
  };
}

/** A file that could not be read, as a notification that the invocation did not fully succeed. */
function notification(e: FileError) {
  return {
    level: 'error',
    message: { text: `${e.file}: ${e.error}` },
    locations: [location(artifactUri(e.path))],
  };
}

function lintResult(r: PolicyResult, f: LocatedFinding, uri: string) {
  // A role of list-roles output has no line of its own: name it in the text.
  const text = r.role ? `${f.message} (role ${r.role})` : f.message;
  return {
    ruleId: f.ruleId,
    ruleIndex: ruleIndex.get(f.ruleId),
    level: LEVEL[f.severity],
    message: { text },
    locations: [location(uri, f.position ?? r.position)],
    partialFingerprints: {
      primaryLocationLineHash: fingerprint(f.ruleId, `${uri}#${r.role ?? ''}`, f.message),
    },
  };
}

/**
 * The results written as policies are checked; the invocation (whether it succeeded, and the files
 * that could not be read) after them, once the run knows.
 */
export function lintSarifWriter(write: Write, version: string): LintWriter {
  const errors = new Spool<FileError>();
  const around = (successful: boolean) =>
    jsonAround(
      sarifDocument(
        version,
        { executionSuccessful: successful, toolExecutionNotifications: STREAMED },
        STREAMED,
      ),
    );
  const start = around(true);
  write(start.pieces[0] ?? '');
  const results = new JsonArrayWriter(write, start.indents[0] ?? '');
  return {
    add(r) {
      if (isFileError(r)) {
        errors.push(r);
        return;
      }
      const uri = artifactUri(r.path);
      for (const f of r.findings) results.add(lintResult(r, f, uri));
    },
    end(tally) {
      results.close();
      const { pieces, indents } = around(tally.errors === 0);
      write(pieces[1] ?? '');
      const notifications = new JsonArrayWriter(write, indents[1] ?? '');
      for (const e of errors.drain()) notifications.add(notification(e));
      notifications.close();
      write(pieces[2] ?? '');
    },
  };
}

/**
 * An account audit as SARIF: each finding is located at its resource ARN (a logical location) and,
 * for code scanning, at the file the audit read (the snapshot or baseline), since IAM has no lines.
 */
export function auditSarif(result: AuditResult, version: string, file: string | undefined): string {
  const uri = file ? artifactUri(file) : undefined;
  const invocation = {
    executionSuccessful: result.gaps.length === 0,
    toolExecutionNotifications: result.gaps.map((g) => ({
      level: 'warning',
      message: { text: `${g.resource}: ${g.operation}: ${g.reason}` },
    })),
  };
  const document = sarifDocument(
    version,
    invocation,
    result.findings.map((f) => ({
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          ...(uri ? location(uri) : {}),
          logicalLocations: [{ fullyQualifiedName: f.resource.arn, name: f.resource.name, kind: 'resource' }],
        },
      ],
      partialFingerprints: { primaryLocationLineHash: f.id },
      ...(f.status === 'suppressed'
        ? { suppressions: [{ kind: 'external', justification: f.suppression?.reason ?? '' }] }
        : {}),
    })),
  );
  return toJson(document);
}

function sarifRule(rule: RuleMeta) {
  const helpUri = referenceUrl(rule);
  const references = rule.references.map((ref) => `- ${ref}`);
  const markdown = [`**Why it matters.** ${rule.rationale}`, `**How to fix.** ${rule.remediation}`];
  if (references.length > 0) markdown.push(`**References**\n\n${references.join('\n')}`);
  return {
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    help: { text: rule.remediation, markdown: markdown.join('\n\n') },
    // Catalog references also name standards (CIS 1.14): only a link is a help URI.
    ...(helpUri ? { helpUri } : {}),
    properties: { tags: ['security'], 'security-severity': SECURITY_SEVERITY[rule.severity] },
    defaultConfiguration: { level: LEVEL[rule.severity] },
  };
}

/** Code scanning resolves URIs against the repository root: relative, forward slashes, percent-encoded. */
function artifactUri(path: string): string {
  return encodeURI(relative(process.cwd(), resolve(path)).split(sep).join('/'));
}

/** Code scanning annotates the region's line: the value or role a finding is about, else the first line. */
function location(uri: string, position?: SourcePosition) {
  const region = position ? { startLine: position.line, startColumn: position.column } : { startLine: 1 };
  return { physicalLocation: { artifactLocation: { uri }, region } };
}

/** Stable across runs and spellings of the path, so code scanning keeps one alert per finding. */
function fingerprint(ruleId: string, where: string, message: string): string {
  return createHash('sha256').update(`${ruleId}\0${where}\0${message}`).digest('hex').slice(0, 32);
}
