import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStore, STATE_SCHEMA_VERSION } from '../../shared/findings/file-store.js';
import { FileFormatError } from '../../shared/schema-file.js';
import { storeContract } from './store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'trustwatch-file-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `state-${++files}`, 'state.json');

describe('FileStore', () => {
  storeContract(() => new FileStore(freshPath()));

  it('keeps its state in the file for the next run', async () => {
    const path = freshPath();
    const before = new FileStore(path);
    await before.setCheckpoint('eu-west-1', '2026-03-01T00:00:00.000Z');
    await before.claimEvent('event-1', '2099-01-01T00:00:00.000Z');

    const after = new FileStore(path);
    expect(await after.checkpoint('eu-west-1')).toBe('2026-03-01T00:00:00.000Z');
    expect(await after.claimEvent('event-1', '2099-01-01T00:00:00.000Z')).toBe(false);
    expect(JSON.parse(readFileSync(path, 'utf8')).schemaVersion).toBe(STATE_SCHEMA_VERSION);
  });

  it('replaces the file whole and leaves no temporary file behind', async () => {
    const path = freshPath();
    const store = new FileStore(path);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.claimEvent(`event-${i}`, '2099-01-01T00:00:00Z')),
    );
    expect(readdirSync(join(path, '..'))).toEqual(['state.json']);
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')).events)).toHaveLength(10);
  });

  it('drops expired claims when it writes', async () => {
    const path = freshPath();
    const store = new FileStore(path);
    await store.claimEvent('old', '2020-01-01T00:00:00Z');
    await store.claimEvent('new', '2099-01-01T00:00:00Z');
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')).events)).toEqual(['new']);
  });

  it('names the file and the field when the file is not a state it understands', async () => {
    const path = freshPath();
    await new FileStore(path).setCheckpoint('us-east-1', '2026-03-01T00:00:00.000Z');
    const state = JSON.parse(readFileSync(path, 'utf8'));

    writeFileSync(path, JSON.stringify({ ...state, checkpoints: { 'us-east-1': 7 } }));
    await expect(new FileStore(path).checkpoint('us-east-1')).rejects.toThrow(
      new FileFormatError(`${path}: checkpoints.us-east-1: Invalid input: expected string, received number`),
    );

    writeFileSync(path, JSON.stringify({ ...state, schemaVersion: 99 }));
    await expect(new FileStore(path).list()).rejects.toThrow(`${path}: schemaVersion:`);

    writeFileSync(path, '{"schemaVersion": 1,');
    await expect(new FileStore(path).list()).rejects.toThrow(`${path}: not valid JSON`);
  });
});
