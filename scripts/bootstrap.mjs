#!/usr/bin/env node
// Installs whatever is missing, then builds: Debian packages, npm dependencies,
// the mediasoup worker (built offline against system libraries), TypeScript
// and the console. Runs before `npm start` and `npm test`; fast when nothing
// changed. Node builtins only: this runs before `npm install`.
//
//   node scripts/bootstrap.mjs            what `npm start` needs
//   node scripts/bootstrap.mjs --test     also Chromium, for the browser tests
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installPackages, missingPackages } from './debian.mjs';
import { buildWorker, workerBinPath } from './mediasoup-worker.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const forTests = process.argv.includes('--test');

/** Debian 12 packages, and why. */
const APT_PACKAGES = [
  // mediasoup worker build against system libraries
  'meson',
  'ninja-build',
  'pkg-config',
  'g++',
  'make',
  'python3',
  'libuv1-dev',
  'libssl-dev',
  'libsrtp2-dev',
  'libusrsctp-dev',
  'libabsl-dev',
  // mediasoup >= 3.13 talks to Node in FlatBuffers: flatc generates the worker's
  // headers from its schemas, for the library headers of the same version
  'flatbuffers-compiler',
  'libflatbuffers-dev',
  // counter agent and recording: encode, SRTP out, segment without re-encoding
  'ffmpeg',
  // fonts for the test picture's caption (Vietnamese diacritics)
  'fonts-dejavu-core',
  // setpriv: ffmpeg dies with the agent, even on kill -9
  'util-linux',
  // the counter agent's default publisher (agent/gst/gst_publisher.py): GStreamer driven from
  // Debian's python; it answers the SFU's keyframe requests, which ffmpeg ignores.
  // base/good: rtpbin, udp, vp8enc, opus; bad: srtpenc/srtpdec, intervideo (looped files);
  // ugly: x264enc; libav: decoders for files; x: text and clock overlays; alsa: microphones
  'python3-gi',
  'gir1.2-gstreamer-1.0',
  'gstreamer1.0-plugins-base',
  'gstreamer1.0-plugins-good',
  'gstreamer1.0-plugins-bad',
  'gstreamer1.0-plugins-ugly',
  'gstreamer1.0-libav',
  'gstreamer1.0-x',
  'gstreamer1.0-alsa',
  // the hall board's voice calls ("Mời số A019 đến quầy 1"), spoken offline in Vietnamese
  'espeak-ng',
];
const TEST_PACKAGES = [
  // the browser tests (playwright-core drives Debian's Chromium)
  'chromium',
  // mediasoup's own C++ tests (scripts/mediasoup-worker.mjs test); 2.13, see the shim there
  'catch2',
  // IP cameras for the agent's tests (tests/support/rtsp_server.py): GStreamer's RTSP server
  // (GStreamer itself and python3-gi come with the agent's packages above), encoding H.264,
  // H.265, MJPEG, AAC, G.711 and Opus
  'gir1.2-gst-rtsp-server-1.0',
  // PostgreSQL 15: the storage contract and integration tests run against both backends
  // (tests/support/postgres.ts starts a private cluster with initdb + pg_ctl; no system service)
  'postgresql',
];

function step(message) {
  process.stdout.write(`\n▶ ${message}\n`);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

function ensureAptPackages() {
  if (process.platform !== 'linux' || spawnSync('dpkg-query', ['--version']).status !== 0) {
    process.stdout.write('Not a Debian system: install the packages listed in README.md yourself.\n');
    return;
  }
  const wanted = forTests ? [...APT_PACKAGES, ...TEST_PACKAGES] : APT_PACKAGES;
  const missing = missingPackages(wanted);
  if (missing.length === 0) return;
  step(`Installing Debian packages: ${missing.join(' ')}`);
  installPackages(missing);
}

function lockHash() {
  const hash = createHash('sha256');
  hash.update(fs.readFileSync(path.join(root, 'package-lock.json')));
  return hash.digest('hex');
}

function ensureNpmDependencies() {
  const marker = path.join(root, 'node_modules', '.counterwatch-lock');
  const wanted = lockHash();
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === wanted) return;
  step('Installing npm dependencies (npm ci; better-sqlite3 builds from source, about a minute)');
  // MEDIASOUP_WORKER_BIN makes mediasoup's postinstall skip its network download;
  // ensureWorker puts the offline-built worker at this default location.
  run('npm', ['ci', '--no-audit', '--no-fund'], {
    env: { ...process.env, MEDIASOUP_WORKER_BIN: mediasoupDefaultWorker },
  });
  fs.writeFileSync(marker, wanted);
}

/** Where mediasoup looks by default, so `node sfu-server/dist/main.js` works without MEDIASOUP_WORKER_BIN. */
const mediasoupDefaultWorker = path.join(
  root,
  'node_modules',
  'mediasoup',
  'worker',
  'out',
  'Release',
  'mediasoup-worker',
);

function ensureWorker() {
  // Keyed by the installed (patched) mediasoup sources: known only after npm ci.
  const workerBin = workerBinPath();
  if (!fs.existsSync(workerBin)) {
    step(
      'Building the mediasoup worker against the system libraries (about 6 minutes on 2 cores; cached afterwards)',
    );
    buildWorker();
  }
  fs.mkdirSync(path.dirname(mediasoupDefaultWorker), { recursive: true });
  fs.rmSync(mediasoupDefaultWorker, { force: true });
  fs.symlinkSync(workerBin, mediasoupDefaultWorker);
}

function build() {
  step('Building TypeScript and the console');
  run('npm', ['run', 'build', '--silent']);
}

try {
  ensureAptPackages();
  ensureNpmDependencies();
  ensureWorker();
  build();
  process.stdout.write('\n✔ Ready.\n');
} catch (error) {
  process.stderr.write(`\n✘ Setup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
