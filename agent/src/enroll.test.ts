import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAgentConfig } from './config.js';
import { defaultCredentialsFile, readCredentials, writeCredentials } from './credentials.js';
import { parseEnrollArgs } from './enroll.js';

const CREDENTIALS = {
  server: 'https://cw.example.vn',
  counterId: 'xa-a-q1',
  departmentId: 'xa-a',
  token: 'agent-token-0123456789abcdef0123456789',
  enrolledAt: '2026-01-01T00:00:00.000Z',
};

describe('counterwatch-agent enroll', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-agent-enroll-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads --server and --code as a person types them; the credentials go under XDG_CONFIG_HOME', () => {
    const options = parseEnrollArgs(['--server', 'https://cw.example.vn', '--code', 'abcd efgh-jkmn'], {
      XDG_CONFIG_HOME: dir,
    });
    expect(options.code).toBe('ABCDEFGHJKMN');
    expect(options.credentialsFile).toBe(path.join(dir, 'counterwatch-agent', 'credentials.json'));
    expect(defaultCredentialsFile({ HOME: '/home/x' })).toBe(
      '/home/x/.config/counterwatch-agent/credentials.json',
    );
    expect(() => parseEnrollArgs(['--server', 'https://cw.example.vn', '--code', 'SHORT'])).toThrow(/--code/);
    expect(() => parseEnrollArgs(['--code', 'ABCDEFGHJKMN'])).toThrow(/--server is required/);
    expect(() => parseEnrollArgs(['--server', 'ftp://x', '--code', 'ABCDEFGHJKMN'])).toThrow(/http/);
  });

  it('keeps the credentials readable by their owner only, even under a lax umask', () => {
    const file = path.join(dir, 'sub', 'credentials.json');
    const previous = process.umask(0o000);
    try {
      writeCredentials(file, CREDENTIALS);
      writeCredentials(file, { ...CREDENTIALS, token: `${CREDENTIALS.token}x` }); // enrolled again
    } finally {
      process.umask(previous);
    }
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['credentials.json']);
    expect(readCredentials(file)).toEqual({
      credentials: { ...CREDENTIALS, token: `${CREDENTIALS.token}x` },
      warning: null,
    });
    fs.chmodSync(file, 0o644);
    expect(readCredentials(file).warning).toMatch(/readable by others/);
  });

  it('the agent then runs with them: no --counter, no --token-file', () => {
    const file = path.join(dir, 'credentials.json');
    writeCredentials(file, CREDENTIALS);
    const config = loadAgentConfig(['--credentials', file, '--video', 'test', '--audio', 'none'], {
      XDG_STATE_HOME: dir,
    });
    expect(config.serverUrl.href).toBe('https://cw.example.vn/');
    expect(config.counterId).toBe('xa-a-q1');
    expect(config.token).toBe(CREDENTIALS.token);
    expect(config.stateDir).toBe(path.join(dir, 'counterwatch-agent', 'xa-a-q1'));
    // The default file, found without the flag.
    const home = path.join(dir, 'cfg');
    writeCredentials(defaultCredentialsFile({ XDG_CONFIG_HOME: home }), CREDENTIALS);
    expect(loadAgentConfig(['--audio', 'none'], { XDG_CONFIG_HOME: home }).counterId).toBe('xa-a-q1');
    // A --counter that is not the enrolled one is refused, not silently mixed.
    expect(() => loadAgentConfig(['--credentials', file, '--counter', 'other'], {})).toThrow(
      /is for counter xa-a-q1; enroll this PC again/,
    );
    // Without credentials nor token file, the message says how to get them.
    expect(() =>
      loadAgentConfig(['--server', 'https://x.vn', '--counter', 'c1'], {
        XDG_CONFIG_HOME: path.join(dir, 'none'),
      }),
    ).toThrow(/--token-file is required \(or enroll first/);
  });
});
