import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgStorage, SqliteStorage, type Storage } from '@counterwatch/sfu-server/storage';
import { startPostgres, type PgCluster } from '../support/postgres.js';

/**
 * Two processes append to one audit trail at the same moment, many appends in
 * flight in each: the trail must stay ONE chain (every row links to the one
 * before, no sequence number twice, none missing). On PostgreSQL this holds
 * only because appends take an advisory lock; without it the processes read
 * the same head and one of them fails or forks the chain.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PER_PROCESS = 150;
const IN_FLIGHT = 8;

// Runs in each child: opens the storage the environment names and appends PER_PROCESS rows, IN_FLIGHT at a time.
const CHILD = `
import { pino } from 'pino';
import { PgStorage, SqliteStorage } from '@counterwatch/sfu-server/storage';
const logger = pino({ level: 'silent' });
const now = () => 1_760_000_000_000;
const storage = process.env.CW_DATABASE_URL
  ? await PgStorage.create({ url: process.env.CW_DATABASE_URL, logger, now })
  : await SqliteStorage.create({ dataDir: process.env.CW_DATA_DIR, logger, now });
const who = process.env.WHO;
let next = 0;
async function worker() {
  while (next < ${PER_PROCESS}) {
    const n = next++;
    await storage.audit.append({
      at: now(), actorId: null, actor: who, ip: null, action: 'auth.login', departmentId: null,
      counterId: null, objectType: null, objectId: String(n), reason: null, details: { n },
    });
  }
}
// Both children start appending together: each waits for the go file.
while (!(await import('node:fs')).existsSync(process.env.GO_FILE)) await new Promise((r) => setTimeout(r, 5));
await Promise.all(Array.from({ length: ${IN_FLIGHT} }, worker));
await storage.close();
process.stdout.write('done\\n');
`;

function runChild(env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`appender ${env.WHO} exited ${code}: ${stderr}`)),
    );
  });
}

let cluster: PgCluster | undefined;
const dirs: string[] = [];
beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe.each(['sqlite', 'postgres'] as const)('the audit chain on %s', (backend) => {
  it('stays one chain when two processes append at once', { timeout: 120_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-chain-'));
    dirs.push(dir);
    const logger = pino({ level: 'silent' });
    const now = () => 1_760_000_000_000;
    let env: NodeJS.ProcessEnv;
    let open: () => Promise<Storage>;
    if (backend === 'postgres') {
      if (!cluster) throw new Error('no cluster');
      const url = await cluster.createDatabase();
      env = { CW_DATABASE_URL: url };
      open = () => PgStorage.create({ url, logger, now });
    } else {
      env = { CW_DATABASE_URL: '', CW_DATA_DIR: dir };
      open = () => SqliteStorage.create({ dataDir: dir, logger, now });
    }
    // Migrated once before the race, and the trail already has a row.
    const storage = await open();
    await storage.audit.append({
      at: now(),
      actorId: null,
      actor: 'setup',
      ip: null,
      action: 'auth.login',
      departmentId: null,
      counterId: null,
      objectType: null,
      objectId: null,
      reason: null,
      details: {},
    });
    const goFile = path.join(dir, 'go');
    const children = [
      runChild({ ...env, WHO: 'a', GO_FILE: goFile }),
      runChild({ ...env, WHO: 'b', GO_FILE: goFile }),
    ];
    // Give both time to connect, then release them together.
    await new Promise((r) => setTimeout(r, 1_500));
    fs.writeFileSync(goFile, '');
    await Promise.all(children);

    const verification = await storage.audit.verify();
    expect(verification).toMatchObject({
      ok: true,
      checked: 1 + 2 * PER_PROCESS,
      headSeq: 1 + 2 * PER_PROCESS,
    });
    const rows = await storage.audit.list({ limit: 1000 });
    for (const who of ['a', 'b']) {
      const mine = rows.filter((r) => r.actor === who).map((r) => Number(r.objectId));
      expect(mine.sort((x, y) => x - y)).toEqual(Array.from({ length: PER_PROCESS }, (_, i) => i));
    }
    await storage.close();
  });
});
