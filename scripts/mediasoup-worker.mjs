#!/usr/bin/env node
// Builds mediasoup's C++ worker against Debian 12's system libraries, and
// runs mediasoup's own C++ test suite (Catch2) against the same sources.
//
// mediasoup's own postinstall downloads a prebuilt worker or its C++
// dependencies' sources; neither is reachable offline. Instead we give its
// meson build one small forwarding subproject per dependency, each wrapping
// the system pkg-config package, patch the sources (see SOURCE_PATCHES) and
// cache the binaries outside the clone, keyed by everything that goes into
// them (the patched sources included), so the second install is instant.
//
// Usage:
//   node scripts/mediasoup-worker.mjs path      print the cached worker path
//   node scripts/mediasoup-worker.mjs build     build the worker if not cached
//   node scripts/mediasoup-worker.mjs test      build mediasoup-worker-test if not cached and run it
// Node builtins only: bootstrap imports this before `npm install`.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUBPROJECTS, subprojectFiles } from './mediasoup-subprojects.mjs';

export const MEDIASOUP_VERSION = '3.15.8';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');

/**
 * Edits to mediasoup's sources, applied to the build's copy. Each `from` must
 * be found exactly once (or `to` already be there): a new mediasoup that moved
 * the text fails the build loudly instead of shipping unpatched.
 */
export const SOURCE_PATCHES = [
  {
    file: 'src/RTC/DtlsTransport.cpp',
    from: 'long resultOfcallback = (operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1;',
    to: 'long resultOfcallback = (operationType & BIO_CB_RETURN) ? static_cast<long>(ret) : 1;',
    // OpenSSL calls the BIO callback with BIO_CB_RETURN OR-ed with the
    // operation, so `==` never matches and every BIO_ctrl() on the write BIO
    // answers 1 — including BIO_CTRL_GET_KTLS_SEND. Debian's OpenSSL is built
    // with kernel TLS, believes it, never allocates its write buffer and
    // writes the first DTLS record header to address 0: the worker dies on the
    // first browser. (Since 3.13.23; mediasoup's bundled OpenSSL has no KTLS.)
    why: 'BIO callback: answer ret, not 1, for every BIO_CB_RETURN call (KTLS crash with Debian OpenSSL)',
  },
  {
    file: 'meson.build',
    from: "meson_version: '>= 1.1.0'",
    to: "meson_version: '>= 1.0.0'",
    why: 'Debian 12 ships meson 1.0.1; the worker build uses nothing newer',
  },
];

/** Worker sources that go into the binaries (the rest of the package is Node code). */
const SOURCE_PARTS = ['meson.build', 'meson_options.txt', 'src', 'include', 'fbs', 'deps', 'test', 'fuzzer'];

/** meson options; part of the cache key. io_uring: Debian 12's liburing is older than the wrap's. */
const MESON_ARGS = [
  '--buildtype=release',
  '-Db_ndebug=true',
  '--wrap-mode=nodownload',
  '-Dms_disable_liburing=true',
];

/** System packages whose versions go into the cache key. */
const PKG_CONFIG = ['openssl', 'libuv', 'libsrtp2', 'usrsctp', 'absl_strings', 'flatbuffers'];

/**
 * mediasoup's tests read captured packets from worker/test/data, which the
 * npm package does not ship; those sections can only fail ("cannot open
 * file") here. `test` finds them in the test sources (a top-level SECTION
 * whose body opens "data/...") and leaves out exactly those sections.
 */
const TEST_DATA_REF = '"data/';

function cacheRoot() {
  return (
    process.env.COUNTERWATCH_CACHE_DIR ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'counterwatch')
  );
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

/** Applies one patch to a file's text; idempotent, loud when the expected text is missing. */
export function applyPatch(text, patch) {
  const count = text.split(patch.from).length - 1;
  if (count === 1) return text.replace(patch.from, patch.to);
  if (count === 0 && text.includes(patch.to)) return text; // already applied
  throw new Error(
    `mediasoup ${MEDIASOUP_VERSION} ${patch.file}: expected the text to patch exactly once, found it ${count} times` +
      ` (${patch.why}). Check whether this mediasoup still needs the patch and update SOURCE_PATCHES.`,
  );
}

/** Relative paths of the worker source files, sorted. */
function sourceFiles(src) {
  const out = [];
  const walk = (rel) => {
    const abs = path.join(src, rel);
    if (fs.statSync(abs).isDirectory()) {
      for (const name of fs.readdirSync(abs).sort()) walk(path.join(rel, name));
    } else out.push(rel);
  };
  for (const part of SOURCE_PARTS) if (fs.existsSync(path.join(src, part))) walk(part);
  return out;
}

/** A file's content as the build sees it (patched). */
function patchedContent(src, rel) {
  let content = fs.readFileSync(path.join(src, rel));
  const patches = SOURCE_PATCHES.filter((p) => p.file === rel);
  if (patches.length === 0) return content;
  let text = content.toString('utf8');
  for (const patch of patches) text = applyPatch(text, patch);
  return Buffer.from(text, 'utf8');
}

function commandOutput(cmd, args) {
  const res = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${cmd} ${args.join(' ')}: ${res.status} ${res.stdout ?? ''}`;
}

/**
 * The cache key: the patched sources (and the patches), the forwarding
 * subprojects, meson's options, the system libraries' and flatc's versions.
 */
function buildKey(src) {
  const hash = createHash('sha256');
  hash.update(MEDIASOUP_VERSION);
  hash.update(JSON.stringify(SOURCE_PATCHES));
  hash.update(JSON.stringify(SUBPROJECTS));
  hash.update(JSON.stringify(MESON_ARGS));
  hash.update(commandOutput('pkg-config', ['--modversion', ...PKG_CONFIG]));
  hash.update(commandOutput('flatc', ['--version']));
  hash.update(`${process.platform}-${process.arch}`);
  for (const rel of sourceFiles(src)) {
    hash.update(`\0${rel}\0`);
    hash.update(patchedContent(src, rel));
  }
  return hash.digest('hex').slice(0, 16);
}

function cacheDir() {
  return path.join(cacheRoot(), `mediasoup-worker-${MEDIASOUP_VERSION}-${buildKey(findWorkerSource())}`);
}

/** Where the worker for the installed mediasoup sources is (or will be) cached. */
export function workerBinPath() {
  return path.join(cacheDir(), 'mediasoup-worker');
}

/** The test binary also depends on Catch2's version. */
function testBinPath() {
  const catch2 = spawnSync('pkg-config', ['--modversion', 'catch2'], { encoding: 'utf8' });
  if (catch2.status !== 0) {
    throw new Error("Catch2 not found (pkg-config catch2): install Debian's catch2 (bootstrap --test does)");
  }
  return path.join(cacheDir(), `mediasoup-worker-test-catch2-${catch2.stdout.trim()}`);
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed with ${res.status ?? res.signal}`);
  }
}

/** Writes a patched copy of the sources with the forwarding subprojects into `work` and configures it. */
function prepareBuild(src, work) {
  const worker = path.join(work, 'worker');
  for (const rel of sourceFiles(src)) {
    fs.mkdirSync(path.dirname(path.join(worker, rel)), { recursive: true });
    fs.writeFileSync(path.join(worker, rel), patchedContent(src, rel));
  }
  for (const [rel, content] of Object.entries(subprojectFiles())) {
    fs.mkdirSync(path.dirname(path.join(worker, 'subprojects', rel)), { recursive: true });
    fs.writeFileSync(path.join(worker, 'subprojects', rel), content);
  }
  const buildDir = path.join(work, 'build');
  run('meson', ['setup', ...MESON_ARGS, buildDir], { cwd: worker });
  return buildDir;
}

/** Builds `target` and caches it at `dest` atomically (a half-written binary is never cached). */
function buildTarget(target, dest, minutes) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mediasoup-worker-'));
  console.log(
    `[mediasoup-worker] building ${target} ${MEDIASOUP_VERSION} in ${work} (${minutes} on 2 cores)`,
  );
  try {
    const buildDir = prepareBuild(findWorkerSource(), work);
    // Nothing orders the generated FBS headers before the sources that include
    // them when a single target is asked for (mediasoup builds everything): first.
    run('ninja', ['-C', buildDir, 'fbs/FBS']);
    run('ninja', ['-C', buildDir, target]);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp-${process.pid}`;
    fs.copyFileSync(path.join(buildDir, target), tmp);
    fs.chmodSync(tmp, 0o755);
    fs.renameSync(tmp, dest);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(`[mediasoup-worker] built ${dest}`);
  return dest;
}

export function buildWorker() {
  const bin = workerBinPath();
  if (fs.existsSync(bin)) return bin;
  return buildTarget('mediasoup-worker', bin, 'about 6 minutes');
}

/**
 * The test cases that read worker/test/data: per test case, its top-level
 * sections that do (left out) and those that do not (run one by one).
 */
function testsNeedingData(src) {
  const found = [];
  for (const rel of sourceFiles(src).filter((f) => f.startsWith('test/src/') && f.endsWith('.cpp'))) {
    const text = fs.readFileSync(path.join(src, rel), 'utf8');
    if (!text.includes(TEST_DATA_REF)) continue;
    const cases = [...text.matchAll(/^(SCENARIO|TEST_CASE)\("([^"]+)"/gm)];
    if (cases.length !== 1)
      throw new Error(`${rel}: expected one test case reading test data, found ${cases.length}`);
    const sections = [...text.matchAll(/^\tSECTION\("([^"]+)"\)/gm)];
    if (sections.length === 0) throw new Error(`${rel}: test data read outside a section`);
    if (text.slice(0, sections[0].index).includes(TEST_DATA_REF)) {
      throw new Error(`${rel}: test data read outside a section`);
    }
    const withData = [];
    const without = [];
    sections.forEach((m, i) => {
      const body = text.slice(m.index, sections[i + 1]?.index ?? text.length);
      (body.includes(TEST_DATA_REF) ? withData : without).push(m[1]);
    });
    // Catch2 names a SCENARIO "Scenario: <name>".
    const [, macro, name] = cases[0];
    found.push({ name: macro === 'SCENARIO' ? `Scenario: ${name}` : name, withData, without });
  }
  return found;
}

/** Runs the test binary; returns its counts from Catch2's summary line. */
function runTests(bin, args, cwd) {
  const res = spawnSync(bin, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, MS_TEST_LOG_LEVEL: 'none' },
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(res.stdout ?? '');
  process.stderr.write(res.stderr ?? '');
  if (res.status !== 0)
    throw new Error(`mediasoup-worker-test ${args.join(' ')} failed with ${res.status ?? res.signal}`);
  const m = /All tests passed \((\d+) assertions? in (\d+) test cases?\)/.exec(res.stdout ?? '');
  if (!m) throw new Error(`mediasoup-worker-test ${args.join(' ')}: no summary line`);
  return { assertions: Number(m[1]), cases: Number(m[2]) };
}

/** Builds (if not cached) and runs mediasoup's worker test suite; throws if any test fails. */
export function testWorker() {
  const bin = testBinPath();
  if (!fs.existsSync(bin)) buildTarget('mediasoup-worker-test', bin, 'about 8 minutes');
  const names = spawnSync(bin, ['--list-test-names-only'], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const needingData = testsNeedingData(findWorkerSource());
  for (const t of needingData) {
    if (!names.includes(t.name)) throw new Error(`test case "${t.name}" not in the test binary`);
  }
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'mediasoup-worker-test-'));
  try {
    // Catch2 test spec: space-separated terms are AND-ed.
    const spec = needingData.map((t) => `~${JSON.stringify(t.name)}`).join(' ');
    const total = runTests(bin, spec ? [spec] : [], cwd);
    let sectionsRun = 0;
    for (const t of needingData) {
      for (const section of t.without) {
        const r = runTests(bin, [JSON.stringify(t.name), '--section', section], cwd);
        total.assertions += r.assertions;
        sectionsRun += 1;
      }
    }
    const partly = needingData.filter((t) => t.without.length > 0).length;
    const skipped = needingData.flatMap((t) => t.withData.map((s) => `${t.name} › ${s}`));
    console.log(
      `[mediasoup-worker] mediasoup ${MEDIASOUP_VERSION} worker tests (Catch2): ${names.length} test cases; ` +
        `${total.cases} passed whole, ${partly} in part (${sectionsRun} sections without test data, passed), ` +
        `${names.length - total.cases - partly} not run; ${total.assertions} assertions passed`,
    );
    if (skipped.length > 0) {
      console.log(
        `[mediasoup-worker] left out, they need worker/test/data (not in the npm package): ${skipped.join('; ')}`,
      );
    }
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cmd = process.argv[2];
  try {
    if (cmd === 'path') console.log(workerBinPath());
    else if (cmd === 'build') buildWorker();
    else if (cmd === 'test') testWorker();
    else {
      console.error('usage: mediasoup-worker.mjs path|build|test');
      process.exit(2);
    }
  } catch (error) {
    console.error(`[mediasoup-worker] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
