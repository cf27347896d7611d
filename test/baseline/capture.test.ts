import { describe, expect, it } from 'vitest';
import { runAudit } from '../../shared/audit/audit.js';
import { BaselineSchema } from '../../shared/baseline/baseline.js';
import { captureBaseline, formatBaseline } from '../../shared/baseline/capture.js';
import { ConfigSchema } from '../../shared/config/config.js';
import { readWithSchema } from '../../shared/schema-file.js';
import { sampleAccount } from '../support/sample-account.js';

const { snapshot, baseline, config } = sampleAccount();

describe('baseline capture', () => {
  it('records every GitHub-trusted role, the providers and the CI users, sorted', () => {
    const captured = captureBaseline(snapshot, config);
    expect(captured.ciRoles.map((r) => r.name)).toEqual([...captured.ciRoles.map((r) => r.name)].sort());
    expect(captured.ciRoles).toHaveLength(12);
    expect(captured.ciUsers).toEqual(['ci-ecr-pusher', 'ci-terraform', 'github-actions-legacy']);
    expect(captured.oidcProviders).toEqual([
      { url: 'token.actions.githubusercontent.com', audiences: ['sigstore', 'sts.amazonaws.com'] },
    ]);
    expect(BaselineSchema.parse(JSON.parse(formatBaseline(captured)))).toEqual(captured);
  });
  it('is byte-for-byte the same when nothing changed, and keeps what people wrote into the previous one', () => {
    const recaptured = captureBaseline(structuredClone(snapshot), config, baseline);
    expect(formatBaseline(captureBaseline(snapshot, config, baseline))).toBe(formatBaseline(recaptured));
    expect(recaptured.suppressions).toEqual(baseline.suppressions);
    expect(recaptured.ciUsers).toContain('deploy-bot');
  });
  it('leaves no trust drift when the account is audited against its own fresh baseline', () => {
    const fresh = captureBaseline(snapshot, config, baseline);
    const drift = runAudit(snapshot, { config, baseline: fresh }).findings.filter((f) =>
      f.ruleId.startsWith('drift.'),
    );
    expect(drift).toEqual([]);
  });
});

describe('file schemas', () => {
  it('default every configuration field', () => {
    expect(ConfigSchema.parse({})).toMatchObject({
      maxKeyAgeDays: 90,
      maxUnusedDays: 45,
      ciUsers: { pathPrefix: '/ci/' },
    });
  });
  it('name the file and the field that is wrong', () => {
    expect(() => readWithSchema(ConfigSchema, { maxKeyAgeDays: 'ninety' }, 'trustwatch.config.json')).toThrow(
      /trustwatch.config.json: maxKeyAgeDays: /,
    );
    expect(() => readWithSchema(BaselineSchema, { schemaVersion: 2 }, 'baseline.json')).toThrow(
      /baseline.json: schemaVersion/,
    );
  });
});
