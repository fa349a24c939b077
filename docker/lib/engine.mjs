// A private Docker engine for the image proof, and the base images the Dockerfiles name.
// There is no image registry here: debian:bookworm-slim, node:20-bookworm(-slim) and
// postgres:15-bookworm are made locally (debootstrap + `docker import`), with this host's
// Node 20 and npm. Node builtins only.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function log(message) {
  process.stdout.write(`\n▶ ${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

/** Runs a command to its end with inherited output; throws on failure. Argument arrays only. */
export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0)
    throw new Error(`${cmd} ${args.slice(0, 3).join(' ')}… exited with ${result.status ?? result.signal}`);
}

/** Runs a command and returns its trimmed stdout; throws with its stderr on failure. */
export function capture(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0)
    throw new Error(
      `${cmd} ${args.slice(0, 3).join(' ')}… exited with ${result.status}: ${result.stderr.trim()}`,
    );
  return result.stdout.trim();
}

/** Debian's mirror, as this machine's apt knows it (debootstrap must use the reachable one). */
function debianMirror() {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    const uri =
      /^URIs:\s*(\S+\/debian)\s*$/m.exec(text) ??
      /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\s+bookworm\b/m.exec(text);
    if (uri?.[1]) return uri[1];
  }
  return 'http://deb.debian.org/debian';
}

/**
 * dockerd with its own data root and socket, so the proof neither needs nor disturbs a system engine.
 * `--iptables=false --bridge=none`: containers use the host's network (as builds must, to reach
 * the registries), and the engine leaves the host's firewall alone.
 */
export class Engine {
  #process = null;
  #closed = false;

  constructor(dir) {
    this.dir = dir;
    this.socket = path.join(dir, 'docker.sock');
    this.env = { ...process.env, DOCKER_HOST: `unix://${this.socket}`, DOCKER_BUILDKIT: '0' };
  }

  static async create(dir) {
    fs.mkdirSync(dir, { recursive: true });
    const engine = new Engine(dir);
    await engine.#start();
    return engine;
  }

  /** An engine left by an interrupted run on this data root is stopped first (its pid file blocks a new one). */
  async #stopStale() {
    const pidFile = path.join(this.dir, 'dockerd.pid');
    const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : NaN;
    if (!Number.isInteger(pid) || pid <= 0) return;
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    if (!alive()) return;
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes(this.socket)) return;
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 60 && alive(); i++) await new Promise((r) => setTimeout(r, 500));
  }

  async #start() {
    await this.#stopStale();
    fs.rmSync(this.socket, { force: true });
    const logFile = fs.openSync(path.join(this.dir, 'dockerd.log'), 'a');
    this.#process = spawn(
      '/usr/sbin/dockerd',
      [
        '--data-root',
        path.join(this.dir, 'root'),
        '--exec-root',
        path.join(this.dir, 'exec'),
        '--pidfile',
        path.join(this.dir, 'dockerd.pid'),
        '--host',
        `unix://${this.socket}`,
        '--iptables=false',
        '--bridge=none',
      ],
      { stdio: ['ignore', logFile, logFile] },
    );
    const exited = new Promise((resolve) => this.#process.once('exit', resolve));
    for (let i = 0; i < 120; i++) {
      if (spawnSync('docker', ['version'], { env: this.env, stdio: 'ignore' }).status === 0) return;
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), 500))]);
      if (code !== undefined)
        throw new Error(`dockerd exited with ${code} at start (see ${this.dir}/dockerd.log)`);
    }
    throw new Error(`dockerd did not answer within 60 s (see ${this.dir}/dockerd.log)`);
  }

  docker(args, options = {}) {
    run('docker', args, { env: this.env, ...options });
  }

  dockerOut(args, options = {}) {
    return capture('docker', args, { env: this.env, ...options });
  }

  hasImage(tag) {
    return spawnSync('docker', ['image', 'inspect', tag], { env: this.env, stdio: 'ignore' }).status === 0;
  }

  async close() {
    if (this.#closed || !this.#process) return;
    this.#closed = true;
    const exited = new Promise((resolve) => this.#process.once('exit', resolve));
    this.#process.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    if (this.#process.exitCode === null) this.#process.kill('SIGKILL');
  }
}

/** The host's Node 20, npm and headers, and the npm settings that make npm work on this network. */
function addHostNode(rootfs) {
  const copy = (from, to = from) => {
    fs.mkdirSync(path.dirname(path.join(rootfs, to)), { recursive: true });
    fs.cpSync(from, path.join(rootfs, to), { recursive: true, dereference: false, verbatimSymlinks: true });
  };
  copy(process.execPath, '/usr/local/bin/node');
  const npmDir = path.resolve(path.dirname(fs.realpathSync(capture('sh', ['-c', 'command -v npm']))), '..');
  copy(npmDir, '/usr/local/lib/node_modules/npm');
  fs.symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(rootfs, 'usr/local/bin/npm'));
  fs.symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', path.join(rootfs, 'usr/local/bin/npx'));
  // node-gyp cannot download headers here: native addons build against these (npm_config_nodedir).
  const headers = path.join(path.dirname(path.dirname(process.execPath)), 'include', 'node');
  copy(headers, '/usr/local/include/node');
  const npmrc = [
    'cafile=/etc/ssl/certs/ca-certificates.crt',
    'nodedir=/usr/local',
    'update-notifier=false',
    '',
  ];
  fs.mkdirSync(path.join(rootfs, 'usr/local/etc'), { recursive: true });
  fs.writeFileSync(path.join(rootfs, 'usr/local/etc/npmrc'), npmrc.join('\n'));
  // The official images' unprivileged user, which the Dockerfiles switch to.
  fs.appendFileSync(path.join(rootfs, 'etc/group'), 'node:x:1000:\n');
  fs.appendFileSync(path.join(rootfs, 'etc/passwd'), 'node:x:1000:1000::/home/node:/bin/bash\n');
  fs.mkdirSync(path.join(rootfs, 'home/node'), { recursive: true });
  fs.chownSync(path.join(rootfs, 'home/node'), 1000, 1000);
}

function debootstrap(rootfs, include) {
  fs.rmSync(rootfs, { recursive: true, force: true });
  const args = ['--variant=minbase'];
  if (include.length > 0) args.push(`--include=${include.join(',')}`);
  run('debootstrap', [...args, 'bookworm', rootfs, debianMirror()], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // This network's TLS goes through the host's trusted certificates.
  fs.rmSync(path.join(rootfs, 'etc/ssl/certs'), { recursive: true, force: true });
  fs.cpSync('/etc/ssl/certs', path.join(rootfs, 'etc/ssl/certs'), { recursive: true, dereference: true });
  fs.rmSync(path.join(rootfs, 'var/cache/apt/archives'), { recursive: true, force: true });
  fs.mkdirSync(path.join(rootfs, 'var/cache/apt/archives/partial'), { recursive: true });
}

function importImage(engine, rootfs, tag, changes) {
  const archive = `${rootfs}.tar`;
  run('tar', ['-C', rootfs, '--numeric-owner', '-cf', archive, '.']);
  const args = ['import'];
  for (const change of changes) args.push('--change', change);
  engine.docker([...args, archive, tag], { stdio: ['ignore', 'ignore', 'inherit'] });
  fs.rmSync(archive, { force: true });
}

const BASE_IMAGES = [
  { tag: 'debian:bookworm-slim', include: [], node: false, cmd: 'CMD ["bash"]' },
  // Like the official node:20-bookworm (buildpack-deps): compilers for native addons.
  {
    tag: 'node:20-bookworm',
    include: ['ca-certificates', 'python3', 'make', 'g++', 'git'],
    node: true,
    cmd: 'CMD ["node"]',
  },
  { tag: 'node:20-bookworm-slim', include: [], node: true, cmd: 'CMD ["node"]' },
];

/** Makes each base image that is missing. */
export function ensureBaseImages(engine, workDir) {
  for (const image of BASE_IMAGES) {
    if (engine.hasImage(image.tag)) continue;
    log(`Making the base image ${image.tag} (debootstrap)`);
    const rootfs = path.join(workDir, image.tag.replace(/[^a-z0-9]+/g, '-'));
    debootstrap(rootfs, image.include);
    if (image.node) addHostNode(rootfs);
    const env = [
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'ENV NODE_VERSION=' + process.versions.node,
    ];
    importImage(engine, rootfs, image.tag, [...env, image.cmd]);
    fs.rmSync(rootfs, { recursive: true, force: true });
  }
}

export const defaultEngineDir = () =>
  process.env.CW_DOCKER_DIR ??
  path.join(
    process.env.COUNTERWATCH_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'counterwatch'),
    'docker',
  );
