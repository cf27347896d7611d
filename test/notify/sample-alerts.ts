import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRecords } from '../../shared/activity/parse.js';
import { processRecord } from '../../shared/activity/process.js';
import { runAudit } from '../../shared/audit/audit.js';
import type { Finding } from '../../shared/findings/finding.js';
import type { AlertMessage } from '../../shared/notify/alert.js';
import { findingAlert } from '../../shared/notify/finding-alert.js';
import { MemoryStore } from '../support/memory-store.js';
import { sampleAccount, sampleActivityContext } from '../support/sample-account.js';

/**
 * The sample account's real findings: those of a scheduled audit, and those of its recorded CloudTrail
 * events (which carry who made the change, from where, and the event's console link).
 */
export async function sampleFindings(): Promise<{ audit: Finding[]; events: Finding[] }> {
  const { snapshot, baseline, config } = sampleAccount();
  const audit = runAudit(snapshot, { config, baseline }).findings;
  const file = join(import.meta.dirname, '../../examples/sample-account/events.json');
  const store = new MemoryStore();
  const events: Finding[] = [];
  for (const record of parseRecords(readFileSync(file)).records) {
    const processed = await processRecord(record, sampleActivityContext(store));
    events.push(...processed.map((p) => p.finding));
  }
  return { audit, events };
}

/** The alerts shown as golden examples (and in the README). */
export async function goldenAlerts(): Promise<
  Record<'drift-trust-wider' | 'keys-not-rotated', AlertMessage>
> {
  const { audit, events } = await sampleFindings();
  const find = (findings: Finding[], ruleId: string, name: string): AlertMessage => {
    const finding = findings.find((f) => f.ruleId === ruleId && f.resource.name === name);
    if (!finding) throw new Error(`the sample account has no ${ruleId} finding for ${name}`);
    return findingAlert(finding, finding.account);
  };
  return {
    // The widening as the IAM event watch sees it: with the change's author and CloudTrail link.
    'drift-trust-wider': find(events, 'drift.trust-wider', 'gh-deploy-web-prod'),
    // The old key as the scheduled audit sees it.
    'keys-not-rotated': find(audit, 'keys.not-rotated', 'ci-terraform'),
  };
}
