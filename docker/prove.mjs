#!/usr/bin/env node
// Builds the images in docker/ and runs them as shipped, in a private Docker engine:
//   1. the server image with no volume: it starts, serves /api/v1/health, runs as `node`;
//   2. with a named volume: it starts, and a second container on that volume finds the first's
//      data (the first admin it created logs in, and no second one is made);
//   3. docker/compose.yaml with Debian's docker-compose (1.29, the Python one: the engine is
//      20.10, which has no compose plugin): PostgreSQL, a control process and two media nodes on
//      it, and a counter agent with its named volume, plus the agent image run plain with no
//      volume; the agents are placed on a media node, and a director on the control process (made
//      by the admin CLI in the container) sees both online; then the node holding them is killed
//      and both come back online through the other node.
// Run by `npm test` (as `npm run test:docker`), after the builds it needs (`demo/dist`).
// Needs root: it installs docker.io, docker-compose and debootstrap, and starts dockerd.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installPackages, missingPackages } from '../scripts/debian.mjs';
import { defaultEngineDir, Engine, ensureBaseImages, log, run } from './lib/engine.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Ports no other test uses; containers share the host's network (see compose.yaml).
const HTTP_PORT = 18480;
const PORTS = {
  CW_HTTP_PORT: String(HTTP_PORT),
  CW_WEBRTC_PORT: '18490',
  CW_RTC_MIN_PORT: '18500',
  CW_RTC_MAX_PORT: '18599',
  CW_RECORDER_PORTS: '18600-18699',
};
/** The two media nodes of the compose stack: ports of their own on the shared host network. */
const MEDIA_PORTS = {
  CW_MEDIA1_HTTP_PORT: '18481',
  CW_MEDIA1_WEBRTC_PORT: '18491',
  CW_MEDIA1_RTC_MIN_PORT: '18700',
  CW_MEDIA1_RTC_MAX_PORT: '18799',
  CW_MEDIA1_RECORDER_PORTS: '18800-18899',
  CW_MEDIA2_HTTP_PORT: '18482',
  CW_MEDIA2_WEBRTC_PORT: '18492',
  CW_MEDIA2_RTC_MIN_PORT: '18900',
  CW_MEDIA2_RTC_MAX_PORT: '18999',
  CW_MEDIA2_RECORDER_PORTS: '19000-19099',
};
const DB_PORT = '18432';
const base = `http://127.0.0.1:${HTTP_PORT}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function ensurePackages() {
  const missing = missingPackages(['docker.io', 'docker-compose', 'debootstrap']);
  if (missing.length === 0) return;
  log(`Installing Debian packages: ${missing.join(' ')}`);
  installPackages(missing);
}

/** Polls until `check` answers a value (not undefined), or fails after `ms` with what it last saw. */
async function waitFor(what, ms, check) {
  const started = Date.now();
  let last = 'no answer';
  while (Date.now() - started < ms) {
    try {
      const value = await check();
      if (value !== undefined) return { value, ms: Date.now() - started };
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(500);
  }
  throw new Error(`${what}: not within ${ms / 1000} s (last: ${last})`);
}

async function healthy(url = base) {
  const res = await fetch(`${url}/api/v1/health`);
  if (!res.ok) throw new Error(`health ${res.status}`);
  return res.json();
}

function adminPassword(logs) {
  return /login admin: admin (\S+)/.exec(logs)?.[1];
}

async function login(password, username = 'admin') {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${res.status}`);
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('login set no cookie');
  return cookie;
}

/** One server container from the image as shipped; `volume` is a named volume, or none. */
function runServer(engine, name, volume) {
  const args = ['run', '-d', '--name', name, '--network', 'host'];
  args.push('-e', `CW_PUBLIC_URL=${base}`, '-e', 'CW_WORKERS=1');
  for (const [key, value] of Object.entries(PORTS)) args.push('-e', `${key}=${value}`);
  if (volume) args.push('-v', `${volume}:/data`);
  engine.docker([...args, 'counterwatch-server'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

async function withLogsOnFailure(engine, containers, body) {
  try {
    return await body();
  } catch (error) {
    for (const c of containers) {
      process.stdout.write(`\n--- docker logs ${c} (last 60 lines) ---\n`);
      // Never throws: a container that was never made must not hide the failure being reported.
      spawnSync('docker', ['logs', '--tail', '60', c], { env: engine.env, stdio: 'inherit' });
    }
    throw error;
  }
}

async function proveNoVolume(engine) {
  log('Server image, no volume');
  runServer(engine, 'cwproof-novolume');
  await withLogsOnFailure(engine, ['cwproof-novolume'], async () => {
    const { ms } = await waitFor('health with no volume', 90_000, healthy);
    const uid = engine.dockerOut(['exec', 'cwproof-novolume', 'id', '-u']);
    if (uid !== '1000') throw new Error(`the server runs as uid ${uid}, not node (1000)`);
    const files = engine.dockerOut(['exec', 'cwproof-novolume', 'ls', '/data']);
    if (!files.split('\n').some((f) => f.endsWith('.db'))) throw new Error(`no database in /data: ${files}`);
    process.stdout.write(`  healthy after ${ms} ms, runs as node, database in the anonymous /data volume\n`);
  });
  engine.docker(['rm', '-f', '-v', 'cwproof-novolume'], { stdio: 'ignore' });
}

async function proveNamedVolume(engine) {
  log('Server image, named volume, and a second container on it');
  engine.docker(['volume', 'create', 'cwproof-data'], { stdio: 'ignore' });
  runServer(engine, 'cwproof-first', 'cwproof-data');
  const password = await withLogsOnFailure(engine, ['cwproof-first'], async () => {
    await waitFor('health with a named volume', 90_000, healthy);
    const { value } = await waitFor('the first admin printed', 10_000, async () =>
      adminPassword(engine.dockerOut(['logs', 'cwproof-first'])),
    );
    await login(value);
    return value;
  });
  engine.docker(['rm', '-f', 'cwproof-first'], { stdio: 'ignore' });
  runServer(engine, 'cwproof-second', 'cwproof-data');
  await withLogsOnFailure(engine, ['cwproof-second'], async () => {
    await waitFor('health on the same volume', 90_000, healthy);
    await login(password);
    if (adminPassword(engine.dockerOut(['logs', 'cwproof-second'])) !== undefined)
      throw new Error('a second first admin was made: the volume lost the first container’s data');
    process.stdout.write('  the second container logs in with the first one’s admin: the data persisted\n');
  });
  engine.docker(['rm', '-f', 'cwproof-second'], { stdio: 'ignore' });
  engine.docker(['volume', 'rm', 'cwproof-data'], { stdio: 'ignore' });
}

/** A directory of one department and two counters, and their tokens, as the agents mount them. */
async function writeConfig(dir) {
  const { provision } = await import(path.join(root, 'demo', 'dist', 'provision.js'));
  const provisioned = provision({ dir, departments: 1, countersPerDepartment: 2 });
  const [counter, second] = provisioned.counters;
  fs.copyFileSync(counter.tokenFile, path.join(dir, 'counter-token'));
  fs.copyFileSync(second.tokenFile, path.join(dir, 'second-token'));
  // The containers run as node (1000): the directory holds only hashes; the token stays private.
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(provisioned.directoryFile, 0o644);
  for (const token of ['counter-token', 'second-token']) {
    fs.chownSync(path.join(dir, token), 1000, 1000);
    fs.chmodSync(path.join(dir, token), 0o600);
  }
  return [counter.id, second.id];
}

async function proveCompose(engine) {
  log('docker/compose.yaml: PostgreSQL, a control process and two media nodes on it, counter agents');
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cwproof-config-'));
  const [counterId, secondId] = await writeConfig(configDir);
  const env = {
    ...engine.env,
    ...PORTS,
    ...MEDIA_PORTS,
    CW_PUBLIC_URL: base,
    CW_MEDIA_ANNOUNCED_IP: '127.0.0.1',
    CW_WORKERS: '1',
    CW_DB_PASSWORD: randomBytes(18).toString('base64url'),
    CW_DB_PORT: DB_PORT,
    CW_CONFIG_DIR: configDir,
    CW_DEMO_COUNTER: counterId,
  };
  const compose = (args, options = {}) =>
    run('docker-compose', ['-f', path.join(root, 'docker', 'compose.yaml'), '-p', 'cwproof', ...args], {
      env,
      cwd: root,
      ...options,
    });
  try {
    compose(['up', '-d', '--no-build', 'postgres', 'control']);
    const servers = ['cwproof_control_1', 'cwproof_media-1_1', 'cwproof_media-2_1', 'cwproof_postgres_1'];
    await withLogsOnFailure(engine, servers, async () => {
      const { ms } = await waitFor('the control process on PostgreSQL', 120_000, () => healthy());
      const health = await healthy();
      process.stdout.write(`  server healthy after ${ms} ms: ${JSON.stringify(health)}\n`);
      const tables = engine.dockerOut([
        'exec',
        '-e',
        `PGPASSWORD=${env.CW_DB_PASSWORD}`,
        'cwproof_postgres_1',
        'psql',
        '-h',
        '127.0.0.1',
        '-p',
        DB_PORT,
        '-U',
        'counterwatch',
        '-tAc',
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
      ]);
      if (!(Number(tables) > 0)) throw new Error(`the server made no tables in PostgreSQL (${tables})`);
      process.stdout.write(`  PostgreSQL holds the server's ${tables} tables\n`);
      // The admin CLI in the server's container, on its database: a director, who watches the counters.
      const password = engine
        .dockerOut([
          'exec',
          'cwproof_control_1',
          'node',
          'sfu-server/dist/admin.js',
          'user',
          'add',
          '--data-dir',
          '/data',
          '--username',
          'director',
          '--roles',
          'director',
        ])
        .split('\n')
        .at(-1);
      const cookie = await login(password, 'director');
      compose(['up', '-d', '--no-build', 'media-1', 'media-2']);
      const nodeList = () =>
        engine.dockerOut([
          'exec',
          'cwproof_control_1',
          'node',
          'sfu-server/dist/admin.js',
          'node',
          'list',
          '--data-dir',
          '/data',
        ]);
      const nodes = await waitFor('two media nodes registered and alive', 120_000, async () => {
        const lines = nodeList()
          .split('\n')
          .filter((l) => /^media-[12]\talive/.test(l));
        return lines.length === 2 ? lines : undefined;
      });
      process.stdout.write(`  both media nodes alive ${nodes.ms} ms after their start\n`);
      compose(['up', '-d', '--no-build', 'agent-demo']);
      // The agent image as shipped, with no volume: its outbox in the anonymous /state volume.
      engine.docker(
        [
          'run',
          '-d',
          '--name',
          'cwproof-agent',
          '--network',
          'host',
          '-v',
          `${path.join(configDir, 'second-token')}:/run/secrets/counter-token:ro`,
          'counterwatch-agent',
          '--server',
          base,
          '--counter',
          secondId,
          '--token-file',
          '/run/secrets/counter-token',
          '--video',
          'test',
          '--audio',
          'test',
          // the host's network: the compose agent holds the default queue-event port
          '--events-port',
          '8766',
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      const started = Date.now();
      // Online on the control process: it hears of them from the node they publish on.
      const bothOnline = (what) =>
        waitFor(what, 90_000, async () => {
          const res = await fetch(`${base}/api/v1/overview`, { headers: { cookie } });
          if (!res.ok) throw new Error(`overview ${res.status}`);
          const overview = await res.json();
          const counters = overview.departments.flatMap((d) => d.counters);
          const status = [counterId, secondId].map((id) => counters.find((c) => c.id === id)?.status);
          if (status.some((s) => s !== 'online')) throw new Error(`status ${status.join(', ')}`);
          return true;
        });
      await withLogsOnFailure(engine, ['cwproof_agent-demo_1', 'cwproof-agent', ...servers], async () => {
        await bothOnline(`counters ${counterId} and ${secondId} online on the control process`);
        process.stdout.write(
          `  both agents' counters (compose's with its named volume, the plain one with none) are online ${Date.now() - started} ms after their start\n`,
        );
        // One department: both on one node. Kill that node's container; both come back through the other.
        const holder = nodeList()
          .split('\n')
          .find((l) => /\tplaced 2\//.test(l))
          ?.split('\t')[0];
        if (!holder) throw new Error(`no node holds both counters:\n${nodeList()}`);
        const killedAt = Date.now();
        engine.docker(['kill', '-s', 'KILL', `cwproof_${holder}_1`], { stdio: 'ignore' });
        const other = holder === 'media-1' ? 'media-2' : 'media-1';
        // Moved (placed on the other node), then online there as the control process sees it.
        await waitFor(`both counters placed on ${other}`, 90_000, async () =>
          nodeList()
            .split('\n')
            .some((l) => l.startsWith(`${other}\t`) && l.includes('\tplaced 2/'))
            ? true
            : undefined,
        );
        await bothOnline('both counters online again after their node was killed');
        process.stdout.write(
          `  kill -9 of ${holder}: both counters online again through ${other} ${Date.now() - killedAt} ms later\n`,
        );
      });
    });
  } finally {
    spawnSync('docker', ['rm', '-f', '-v', 'cwproof-agent'], { env: engine.env, stdio: 'ignore' });
    compose(['down', '-v', '--remove-orphans'], { stdio: ['ignore', 'ignore', 'inherit'] });
    fs.rmSync(configDir, { recursive: true, force: true });
  }
}

/**
 * The proof's containers and volumes, whatever step failed or whichever run was interrupted:
 * by name, and the compose project's by its label (a restarted engine would start them again).
 */
function removeLeftovers(engine) {
  // `ls -a` for containers: stopped ones too.
  const ids = (kind, filter) =>
    engine
      .dockerOut([kind, 'ls', ...(kind === 'container' ? ['-a'] : []), '-q', '--filter', filter])
      .split('\n')
      .filter(Boolean);
  const project = 'label=com.docker.compose.project=cwproof';
  const containers = new Set([...ids('container', project), ...ids('container', 'name=^cwproof-')]);
  if (containers.size > 0) engine.docker(['rm', '-f', '-v', ...containers], { stdio: 'ignore' });
  const volumes = new Set([...ids('volume', project), ...ids('volume', 'name=^cwproof')]);
  if (volumes.size > 0) engine.docker(['volume', 'rm', '-f', ...volumes], { stdio: 'ignore' });
}

async function main() {
  if (process.getuid?.() !== 0) throw new Error('run as root: it installs packages and starts dockerd');
  ensurePackages();
  const dir = defaultEngineDir();
  const engine = await Engine.create(dir);
  const stop = () => void engine.close().then(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    removeLeftovers(engine);
    ensureBaseImages(engine, path.join(dir, 'work'));
    for (const [tag, file] of [
      ['counterwatch-server', 'server.Dockerfile'],
      ['counterwatch-agent', 'agent.Dockerfile'],
      // Built here rather than by docker-compose, whose builds cannot use the host's network.
      ['postgres:15-bookworm', 'lib/postgres.Dockerfile'],
    ]) {
      log(`docker build ${tag}`);
      const started = Date.now();
      engine.docker(['build', '--network', 'host', '-f', path.join('docker', file), '-t', tag, '.'], {
        cwd: root,
      });
      process.stdout.write(`  built in ${Math.round((Date.now() - started) / 1000)} s\n`);
    }
    await proveNoVolume(engine);
    await proveNamedVolume(engine);
    await proveCompose(engine);
    log('The images build and run as shipped.');
  } finally {
    removeLeftovers(engine);
    await engine.close();
  }
}

main().catch((error) => {
  process.stderr.write(
    `\n✘ Docker proof failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
