import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_OPENING_HOURS } from '@counterwatch/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../auth/secrets.js';
import { ConfigError } from '../config.js';
import { DirectoryFileSchema, readDirectoryFile } from './directoryFile.js';

const HASH = hashToken('counter-token-c01');

const valid = () => ({
  departments: [
    { id: 'q1', name: 'Công an Quận 1', apiKeyHash: hashToken('key-q1') },
    {
      id: 'q3',
      name: 'Công an Quận 3',
      openingHours: { days: [1, 2, 3, 4, 5], open: '08:00', close: '16:30' },
    },
  ],
  counters: [
    { id: 'c01', departmentId: 'q1', name: 'Quầy 1', services: ['id-card'], tokenHash: HASH },
    { id: 'c02', departmentId: 'q3', name: 'Quầy 2', services: [] },
  ],
});

describe('readDirectoryFile', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-directory-'));
    file = path.join(dir, 'directory.json');
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (value: unknown): void => fs.writeFileSync(file, JSON.stringify(value));

  /** The ConfigError for the current file (fails the test if none is thrown). */
  const errorOf = (): ConfigError => {
    try {
      readDirectoryFile(file);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error('expected readDirectoryFile to throw');
  };

  it('reads departments and counters, defaulting the opening hours and the level', () => {
    write(valid());
    const directory = readDirectoryFile(file);
    expect(directory.departments[0]).toEqual({
      id: 'q1',
      name: 'Công an Quận 1',
      openingHours: DEFAULT_OPENING_HOURS,
      level: 'commune',
      apiKeyHash: hashToken('key-q1'),
    });
    expect(directory.departments[1]!.openingHours).toEqual({
      days: [1, 2, 3, 4, 5],
      open: '08:00',
      close: '16:30',
    });
    expect(directory.counters.map((c) => [c.id, c.tokenHash])).toEqual([
      ['c01', HASH],
      ['c02', undefined],
    ]);
  });

  it('accepts an empty directory', () => {
    write({ departments: [], counters: [] });
    expect(readDirectoryFile(file)).toEqual({ departments: [], counters: [] });
  });

  it('names CW_DIRECTORY_FILE when the file is missing', () => {
    const error = errorOf();
    expect(error.setting).toBe('CW_DIRECTORY_FILE');
    expect(error.message).toContain('is not readable JSON');
  });

  it('names CW_DIRECTORY_FILE when the file is not JSON', () => {
    fs.writeFileSync(file, 'departments:\n  - q1\n');
    const error = errorOf();
    expect(error.setting).toBe('CW_DIRECTORY_FILE');
    expect(error.message).toContain(`${file} is not readable JSON`);
  });

  it('reports a duplicate department id at its path', () => {
    const directory = valid();
    directory.departments.push({ id: 'q1', name: 'Again', apiKeyHash: HASH });
    write(directory);
    const error = errorOf();
    expect(error.setting).toBe('CW_DIRECTORY_FILE');
    expect(error.message).toContain('departments.2.id: duplicate q1');
  });

  it('reports a duplicate counter id at its path', () => {
    const directory = valid();
    directory.counters.push({ id: 'c01', departmentId: 'q3', name: 'Again', services: [] });
    write(directory);
    expect(errorOf().message).toContain('counters.2.id: duplicate c01');
  });

  it('reports a counter in an unknown department', () => {
    const directory = valid();
    directory.counters[1]!.departmentId = 'q9';
    write(directory);
    expect(errorOf().message).toContain('counters.1.departmentId: unknown department q9');
  });

  it('reports every problem at once', () => {
    const directory = valid();
    directory.counters.push({ id: 'c01', departmentId: 'q9', name: 'Bad', services: [] });
    write(directory);
    const message = errorOf().message;
    expect(message).toContain('counters.2.id: duplicate c01');
    expect(message).toContain('counters.2.departmentId: unknown department q9');
  });

  it.each([
    ['plain text', 'counter-token-c01'],
    ['upper-case hex', `sha256:${'A'.repeat(64)}`],
    ['a short digest', `sha256:${'a'.repeat(63)}`],
    ['another algorithm', `sha512:${'a'.repeat(64)}`],
    ['no prefix', 'a'.repeat(64)],
  ])('refuses a token hash that is %s', (_what, tokenHash) => {
    const directory = valid();
    directory.counters[0]!.tokenHash = tokenHash;
    write(directory);
    const error = errorOf();
    expect(error.setting).toBe('CW_DIRECTORY_FILE');
    expect(error.message).toContain('counters.0.tokenHash: must be sha256:<64 hex digits>');
  });

  it('refuses a bad department API key hash', () => {
    const directory = valid();
    directory.departments[0]!.apiKeyHash = 'secret-key';
    write(directory);
    expect(errorOf().message).toContain('departments.0.apiKeyHash: must be sha256:<64 hex digits>');
  });

  it('refuses invalid ids and names with their paths', () => {
    const directory = valid();
    directory.departments[1]!.id = 'Quận 3';
    directory.counters[0]!.name = 'Quầy\n1';
    write(directory);
    const message = errorOf().message;
    expect(message).toContain('departments.1.id');
    expect(message).toContain('counters.0.name');
  });

  it('refuses a file without counters', () => {
    write({ departments: [] });
    expect(errorOf().message).toContain('counters');
  });
});

describe('DirectoryFileSchema', () => {
  it('keeps the hashes of a valid file', () => {
    const parsed = DirectoryFileSchema.parse(valid());
    expect(parsed.departments[0]!.apiKeyHash).toBe(hashToken('key-q1'));
    expect(parsed.counters[0]!.tokenHash).toBe(HASH);
  });
});
