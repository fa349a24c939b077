/**
 * npm run bench:fuzz — the protocol fuzzer at length (a short run is in
 * `npm test`): FUZZ_MESSAGES (default 100,000) mutated messages on both
 * sockets and every REST route against one running stack with a real agent
 * publishing. Prints, per round of 10,000: what was sent, the HTTP statuses
 * and socket error codes, the server's and the mediasoup worker's RSS and open
 * file descriptors; at the end the memory ratio to the baseline and whether
 * the real counter still reaches a console.
 * Figures, not timed assertions; it exits 1 only on a failure the fuzzer
 * counts (a 5xx, an `internal` error, a dead server or worker).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Stack } from '@counterwatch/demo';
import { MID_MORNING, clockAt } from '../support/clock.js';
import { fuzz, snapshotFromElsewhere, type FuzzReport } from '../support/fuzz/fuzzer.js';
import { openFds, rssMb } from '../support/memory.js';
import { table } from './stats.js';

const MESSAGES = Number(process.env.FUZZ_MESSAGES ?? 100_000);
const ROUND = Number(process.env.FUZZ_ROUND ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const log = (line: string): void => void process.stdout.write(`${line}\n`);

/** The mediasoup worker(s): the server's children named so (recorder ffmpegs come and go). */
function workerPids(pid: number): number[] {
  const tasks = fs.readdirSync(`/proc/${pid}/task`);
  return tasks
    .flatMap((t) =>
      fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    )
    .filter((child) => fs.readFileSync(`/proc/${child}/comm`, 'utf8').startsWith('mediasoup-worke'));
}

interface Sample {
  serverRss: number;
  serverFds: number;
  workerRss: number;
  workerFds: number;
}

function sample(pid: number): Sample {
  const workers = workerPids(pid);
  return {
    serverRss: rssMb(pid),
    serverFds: openFds(pid),
    workerRss: workers.reduce((sum, w) => sum + rssMb(w), 0),
    workerFds: workers.reduce((sum, w) => sum + openFds(w), 0),
  };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}:${v}`)
    .join(' ');

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-fuzz-'));
  const clock = clockAt(MID_MORNING);
  const stack = await Stack.create({
    dir,
    departments: 2,
    countersPerDepartment: 2,
    clockOffsetMs: clock.offsetMs,
  });
  let failed = false;
  try {
    // One the fuzzer never names: as an admin it rotates and revokes the first counter's token, and
    // its agent lanes say hello as the second.
    const counter = stack.provisioned.counters[2]!;
    await stack.startAgent(counter.id);
    const pid = stack.server.pid!;
    log(
      `bench:fuzz — ${MESSAGES} messages in rounds of ${ROUND}, seed ${SEED}, on ${os.cpus().length} cores`,
    );
    await fuzz(stack, { messages: 1_000, seed: SEED - 1, now: clock.now });
    await settle(3_000);
    const baseline = sample(pid);
    const rows: string[][] = [];
    const totals: FuzzReport['statuses'] = {};
    const errors: FuzzReport['socketErrors'] = {};
    let sent = 0;
    let round = 0;
    const started = performance.now();
    while (sent < MESSAGES) {
      const n = Math.min(ROUND, MESSAGES - sent);
      const report = await fuzz(stack, { messages: n, seed: SEED + round, now: clock.now });
      sent += n;
      round += 1;
      for (const [k, v] of Object.entries(report.statuses)) totals[k] = (totals[k] ?? 0) + v;
      for (const [k, v] of Object.entries(report.socketErrors)) errors[k] = (errors[k] ?? 0) + v;
      const s = sample(pid);
      rows.push([
        String(sent),
        `${report.sent.agent}/${report.sent.console}/${report.sent.rest}`,
        String(Math.round(n / (report.durationMs / 1000))),
        String(report.failures.length),
        s.serverRss.toFixed(0),
        String(s.serverFds),
        s.workerRss.toFixed(0),
        String(s.workerFds),
      ]);
      log(`  round ${round}: ${sent} sent, failures ${report.failures.length}`);
      if (report.failures.length > 0) {
        failed = true;
        for (const f of report.failures.slice(0, 10)) log(`    ${f.kind}: ${f.detail}`);
        break;
      }
    }
    const elapsed = (performance.now() - started) / 1000;
    await settle(5_000);
    const after = sample(pid);
    log('');
    log(
      table([
        [
          'sent',
          'agent/console/rest',
          'msg/s',
          'failures',
          'server MB',
          'server fds',
          'worker MB',
          'worker fds',
        ],
        ...rows,
      ]),
    );
    log('');
    log(`HTTP statuses: ${fmt(totals)}`);
    log(`socket error codes: ${fmt(errors)}`);
    log(`${sent} messages in ${elapsed.toFixed(0)} s (${(sent / elapsed).toFixed(0)} msg/s)`);
    log(
      `server RSS ${baseline.serverRss.toFixed(0)} → ${after.serverRss.toFixed(0)} MB ` +
        `(×${(after.serverRss / baseline.serverRss).toFixed(2)}), fds ${baseline.serverFds} → ${after.serverFds}; ` +
        `worker RSS ${baseline.workerRss.toFixed(0)} → ${after.workerRss.toFixed(0)} MB ` +
        `(×${(after.workerRss / baseline.workerRss).toFixed(2)}), fds ${baseline.workerFds} → ${after.workerFds}`,
    );

    // A director made now: the fuzzer's admin lanes may have disabled or reset any account made before.
    const password = stack.createUser('fuzz-bench-after', ['director']);
    const snapshot = await snapshotFromElsewhere(stack.url, 'fuzz-bench-after', password);
    const online =
      (
        JSON.parse(snapshot) as { data: { counters: { id: string; media: { status: string } }[] } }
      ).data.counters.find((c) => c.id === counter.id)?.media.status === 'online';
    log(`the real counter after the run: ${online ? 'online, in a console snapshot' : 'NOT online'}`);
    if (!online || !stack.server.running) failed = true;
  } finally {
    await stack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
