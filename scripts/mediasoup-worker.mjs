#!/usr/bin/env node
// Builds mediasoup's C++ worker against Debian 12's system libraries.
//
// mediasoup's own postinstall downloads a prebuilt worker or its C++
// dependencies' sources; neither is reachable offline. Instead we give its
// meson build one small forwarding subproject per dependency, each wrapping
// the system pkg-config package, and cache the binary outside the clone keyed
// by mediasoup version and build inputs so the second install is instant.
//
// Usage:
//   node scripts/mediasoup-worker.mjs path      print the cached binary path
//   node scripts/mediasoup-worker.mjs build     build it if not cached
// Node builtins only: this runs before `npm install`.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MEDIASOUP_VERSION = '3.12.16';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');

/** Forwarding subprojects: name → meson.build body and options it must accept. */
const SUBPROJECTS = {
  openssl: {
    options: [],
    build: `
openssl_dep = dependency('openssl', version: '>= 3.0')
libcrypto_lib = static_library('empty_libcrypto', 'empty.c')
libssl_lib = static_library('empty_libssl', 'empty.c')
`,
  },
  nlohmann_json: {
    options: [],
    build: `
nlohmann_json_dep = dependency('nlohmann_json')
`,
  },
  libuv: {
    options: ['build_tests', 'build_benchmarks'],
    build: `
libuv_dep = dependency('libuv')
libuv = static_library('empty_libuv', 'empty.c')
`,
  },
  libsrtp2: {
    options: ['crypto-library', 'crypto-library-kdf', 'tests'],
    // mediasoup includes <srtp.h>; Debian puts it under include/srtp2/.
    build: `
_srtp = dependency('libsrtp2')
libsrtp2_dep = declare_dependency(
  dependencies: _srtp,
  compile_args: ['-I' + _srtp.get_variable(pkgconfig: 'includedir') / 'srtp2'],
)
libsrtp2 = static_library('empty_libsrtp2', 'empty.c')
`,
  },
  usrsctp: {
    options: ['sctp_build_programs'],
    build: `
usrsctp_dep = dependency('usrsctp')
usrsctp = static_library('empty_usrsctp', 'empty.c')
`,
  },
  'abseil-cpp': {
    options: [],
    build: `
absl_container_dep = dependency('absl_flat_hash_map', 'absl_flat_hash_set', 'absl_btree', 'absl_inlined_vector', 'absl_memory')
absl_strings_dep = dependency('absl_strings')
absl_types_dep = dependency('absl_optional', 'absl_variant')
absl_container_lib = static_library('empty_absl', 'empty.c')
`,
  },
  catch2: {
    options: [],
    build: `
catch2_dep = declare_dependency()
`,
  },
};

function cacheRoot() {
  return (
    process.env.COUNTERWATCH_CACHE_DIR ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'counterwatch')
  );
}

/** Options passed to meson; part of the cache key. */
const MESON_ARGS = ['setup', '--buildtype=release', '-Db_ndebug=true', '--wrap-mode=nodownload'];

/**
 * Key the cache by what goes into the binary: mediasoup's version, the
 * forwarding subprojects, meson's options and the system libraries' versions.
 */
function buildKey() {
  const hash = createHash('sha256');
  hash.update(MEDIASOUP_VERSION);
  hash.update(JSON.stringify(SUBPROJECTS));
  hash.update(JSON.stringify(MESON_ARGS));
  const versions = spawnSync(
    'pkg-config',
    ['--modversion', 'openssl', 'libuv', 'libsrtp2', 'usrsctp', 'nlohmann_json', 'absl_strings'],
    { encoding: 'utf8' },
  );
  hash.update(versions.stdout ?? '');
  hash.update(`${process.platform}-${process.arch}`);
  return hash.digest('hex').slice(0, 16);
}

export function workerBinPath() {
  return path.join(cacheRoot(), `mediasoup-worker-${MEDIASOUP_VERSION}-${buildKey()}`, 'mediasoup-worker');
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed with ${res.status ?? res.signal}`);
  }
}

function findWorkerSource() {
  const candidates = [
    process.env.MEDIASOUP_SOURCE_DIR,
    path.join(repoRoot, 'node_modules', 'mediasoup'),
    path.join(repoRoot, 'sfu-server', 'node_modules', 'mediasoup'),
  ].filter(Boolean);
  for (const dir of candidates) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).version === MEDIASOUP_VERSION) {
      return path.join(dir, 'worker');
    }
  }
  throw new Error(
    `mediasoup ${MEDIASOUP_VERSION} sources not found (looked in ${candidates.join(', ')}); run npm install first`,
  );
}

export function buildWorker() {
  const bin = workerBinPath();
  if (fs.existsSync(bin)) return bin;

  const src = findWorkerSource();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mediasoup-worker-'));
  console.log(
    `[mediasoup-worker] building ${MEDIASOUP_VERSION} against system libraries in ${work} (about 3 minutes on 2 cores)`,
  );
  fs.cpSync(src, path.join(work, 'worker'), { recursive: true });
  const worker = path.join(work, 'worker');

  // Debian 12 ships meson 1.0.1; 3.12.16 asks for >= 1.1.0 but uses nothing newer.
  const mesonBuild = path.join(worker, 'meson.build');
  fs.writeFileSync(
    mesonBuild,
    fs.readFileSync(mesonBuild, 'utf8').replace(/meson_version:\s*'[^']*'/, "meson_version: '>= 1.0.0'"),
  );

  const subprojects = path.join(worker, 'subprojects');
  for (const file of fs.readdirSync(subprojects)) {
    if (file.endsWith('.wrap')) fs.rmSync(path.join(subprojects, file));
  }
  for (const [name, spec] of Object.entries(SUBPROJECTS)) {
    const dir = path.join(subprojects, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'empty.c'),
      '/* Placeholder: the system library is linked through its pkg-config dependency. */\n',
    );
    fs.writeFileSync(
      path.join(dir, 'meson.build'),
      `project('${name}', ['c', 'cpp'], meson_version: '>= 1.0.0')\n${spec.build}`,
    );
    fs.writeFileSync(
      path.join(dir, 'meson_options.txt'),
      spec.options
        .map((o) => `option('${o}', type: 'string', value: '', description: 'accepted and ignored')\n`)
        .join(''),
    );
  }

  const buildDir = path.join(work, 'build');
  run('meson', ['setup', '--buildtype=release', '-Db_ndebug=true', '--wrap-mode=nodownload', buildDir], {
    cwd: worker,
  });
  run('ninja', ['-C', buildDir, 'mediasoup-worker']);

  fs.mkdirSync(path.dirname(bin), { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  fs.copyFileSync(path.join(buildDir, 'mediasoup-worker'), tmp);
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, bin); // atomic: a half-written binary is never cached
  fs.rmSync(work, { recursive: true, force: true });
  console.log(`[mediasoup-worker] built ${bin}`);
  return bin;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cmd = process.argv[2];
  if (cmd === 'path') console.log(workerBinPath());
  else if (cmd === 'build') buildWorker();
  else {
    console.error('usage: mediasoup-worker.mjs path|build');
    process.exit(2);
  }
}
