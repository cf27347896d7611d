import { describe, expect, it } from 'vitest';
import { accountKey, parseS3Location } from '../../shared/account-files/location.js';

describe('parseS3Location', () => {
  it.each([
    ['s3://acme-baselines/org/baselines', { bucket: 'acme-baselines', prefix: 'org/baselines' }],
    ['s3://acme-baselines/org/baselines/', { bucket: 'acme-baselines', prefix: 'org/baselines' }],
    ['s3://acme-baselines', { bucket: 'acme-baselines', prefix: '' }],
    ['s3://acme-baselines/', { bucket: 'acme-baselines', prefix: '' }],
  ])('%s', (text, location) => {
    expect(parseS3Location(text)).toEqual(location);
  });

  it.each([
    ['acme-baselines/org', 'expected s3://BUCKET/PREFIX'],
    ['s3://', 'expected s3://BUCKET/PREFIX'],
    ['s3://Acme/org', 'the bucket name "Acme" is not a valid S3 bucket name'],
    ['s3://ab/org', 'the bucket name "ab" is not a valid S3 bucket name'],
    ['s3://acme.baselines/org', 'the bucket name "acme.baselines" is not a valid S3 bucket name'],
    ['s3://acme-baselines/org//x', 'the prefix has an empty, "." or ".." part'],
    ['s3://acme-baselines/../x', 'the prefix has an empty, "." or ".." part'],
  ])('refuses %s', (text, message) => {
    expect(() => parseS3Location(text)).toThrow(`${JSON.stringify(text)}: ${message}`);
  });
});

describe('accountKey', () => {
  it('puts each account under its id, below the prefix if there is one', () => {
    const file = 'baseline.json';
    expect(accountKey({ bucket: 'b', prefix: 'org/baselines' }, '111122223333', file)).toBe(
      'org/baselines/111122223333/baseline.json',
    );
    expect(accountKey({ bucket: 'b', prefix: '' }, '111122223333', file)).toBe('111122223333/baseline.json');
  });
});
