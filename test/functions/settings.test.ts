import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../functions/common/settings.js';

const BASE = {
  TRUSTWATCH_TABLE: 'trustwatch-state',
  TRUSTWATCH_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:trustwatch-alerts',
};

describe("the functions' settings with a baseline location", () => {
  it('reads the location, and no baseline until an invocation reads the account', () => {
    const settings = loadSettings({ ...BASE, TRUSTWATCH_BASELINE_LOCATION: 's3://acme-baselines/org/' });
    expect(settings.baselineLocation).toEqual({ bucket: 'acme-baselines', prefix: 'org' });
    expect(settings.baseline).toBeUndefined();
    expect(settings.missingBaseline).toBeUndefined();
  });

  it('refuses a location that is not one, and a bundled baseline with it', () => {
    expect(() => loadSettings({ ...BASE, TRUSTWATCH_BASELINE_LOCATION: 'acme-baselines/org' })).toThrow(
      'the function environment: TRUSTWATCH_BASELINE_LOCATION: "acme-baselines/org": expected s3://BUCKET/PREFIX',
    );
    expect(() =>
      loadSettings({
        ...BASE,
        TRUSTWATCH_BASELINE_LOCATION: 's3://acme-baselines/org',
        TRUSTWATCH_BASELINE: '/var/task/baseline.json',
      }),
    ).toThrow('TRUSTWATCH_BASELINE and TRUSTWATCH_BASELINE_LOCATION are both set');
  });
});
