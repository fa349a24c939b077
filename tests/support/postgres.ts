import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * A private PostgreSQL cluster for tests and benchmarks: `initdb` and `pg_ctl`
 * in a temporary directory, on a free loopback port, its unix socket in that
 * directory too — no system service, nothing shared with another test. As
 * root (CI, this machine) the server runs as the `postgres` user the Debian
 * package creates (PostgreSQL refuses to run as root). Servers connect as
 * `counterwatch`, a role that owns its databases and nothing else, by
 * password over TCP, as in production.
 */
export interface PgCluster {
  /** Creates an empty database owned by `counterwatch`; its URL. */
  createDatabase(name?: string): Promise<string>;
  /** The cluster's own superuser URL (for the harness and for tests that must break things). */
  readonly adminUrl: string;
  readonly port: number;
  stop(): Promise<void>;
}

function binDir(): string {
  const fromEnv = process.env.CW_PG_BIN;
  if (fromEnv) return fromEnv;
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base)
    ? fs
        .readdirSync(base)
        .filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (!newest)
    throw new Error(
      'PostgreSQL is not installed: `npm run setup -- --test` (or apt-get install postgresql), or set CW_PG_BIN',
    );
  return path.join(base, newest, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a PostgreSQL program, as `postgres` when we are root; argument arrays only. */
function runAs(asUser: string | null, program: string, args: string[]): void {
  const [cmd, argv] = asUser ? ['runuser', ['-u', asUser, '--', program, ...args]] : [program, args];
  const result = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0)
    throw new Error(`${path.basename(program)} failed (${result.status}): ${result.stderr || result.stdout}`);
}

export async function startPostgres(options: { durable?: boolean } = {}): Promise<PgCluster> {
  const bin = binDir();
  const root = process.getuid?.() === 0;
  const owner = root ? 'postgres' : null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-pg-'));
  const data = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  fs.mkdirSync(socketDir);
  if (owner) {
    const uid = Number(execFileSync('id', ['-u', owner], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', owner], { encoding: 'utf8' }).trim());
    fs.chownSync(dir, uid, gid);
    fs.chownSync(socketDir, uid, gid);
  }
  const superPassword = randomBytes(18).toString('base64url');
  const appPassword = randomBytes(18).toString('base64url');
  const pwFile = path.join(dir, 'pwfile');
  fs.writeFileSync(pwFile, `${superPassword}\n`, { mode: 0o600 });
  if (owner) execFileSync('chown', [owner, pwFile]);
  runAs(owner, path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--pwfile',
    pwFile,
    '-E',
    'UTF8',
    '--locale=C',
    '--auth-local=scram-sha-256',
    '--auth-host=scram-sha-256',
  ]);
  fs.rmSync(pwFile);
  const port = await freePort();
  const settings = [
    `port = ${port}`,
    `listen_addresses = '127.0.0.1'`,
    `unix_socket_directories = '${socketDir}'`,
    'max_connections = 200',
    'shared_buffers = 64MB',
    // Tests need no crash safety of the whole machine; benchmarks ask for durable commits.
    ...(options.durable ? [] : ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off']),
  ];
  fs.appendFileSync(path.join(data, 'postgresql.conf'), `\n${settings.join('\n')}\n`);
  const pgCtl = path.join(bin, 'pg_ctl');
  runAs(owner, pgCtl, ['start', '-w', '-t', '60', '-D', data, '-l', path.join(data, 'server.log')]);

  const adminUrl = `postgres://postgres:${encodeURIComponent(superPassword)}@127.0.0.1:${port}/postgres`;
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  await admin(async (c) => {
    // Literal passwords cannot be bound parameters in DDL; this one is base64url, no quotes.
    await c.query(`CREATE ROLE counterwatch LOGIN PASSWORD '${appPassword}'`);
  });
  let databases = 0;
  let stopped = false;
  return {
    adminUrl,
    port,
    async createDatabase(name) {
      databases += 1;
      const db = name ?? `cw_${process.pid}_${databases}`;
      if (!/^[a-z_][a-z0-9_]*$/.test(db)) throw new Error(`bad database name ${db}`);
      await admin((c) => c.query(`CREATE DATABASE ${db} OWNER counterwatch`));
      return `postgres://counterwatch:${encodeURIComponent(appPassword)}@127.0.0.1:${port}/${db}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        runAs(owner, pgCtl, ['stop', '-w', '-m', 'fast', '-D', data]);
      } finally {
        if (!process.env.KEEP_TEST_DIRS) fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
