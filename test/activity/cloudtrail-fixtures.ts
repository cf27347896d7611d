import { readFileSync } from 'node:fs';

/** A file of test/fixtures/cloudtrail as bytes, as a user's file reaches the parser. */
export function cloudtrailFixture(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/cloudtrail/${name}`, import.meta.url));
}

/** A JSON file of test/fixtures/cloudtrail, parsed, to build other input forms from real records. */
export function cloudtrailJson(name: string): unknown {
  return JSON.parse(cloudtrailFixture(name).toString('utf8'));
}
