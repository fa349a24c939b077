import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema, type DepartmentMetrics } from '@counterwatch/shared';
import { SERVER_ADMIN, type Stack } from '@counterwatch/demo';
import { udpReceiveCounters } from '@counterwatch/sfu-server/media';
import { RawSocket } from '../support/agentSocket.js';
import { eventually } from '../support/browser.js';
import type { TestClock } from '../support/clock.js';
import { getJson, loginCookie } from '../support/http.js';
import type { PgCluster } from '../support/postgres.js';
import { countStoredEvents, events, overview, postEvents } from '../support/queue.js';
import { databaseUrlOf, testBackend, testStack } from '../support/stack.js';

const MIN = 60_000;
const TOKEN = 'scrape-token-for-the-operations-test-0123456789';

/** One sample of a Prometheus text page: the first series of `name` whose labels include `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = new Map<string, string>(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1] ?? '', x[2] ?? '']),
    );
    if (Object.entries(labels).every(([k, v]) => found.get(k) === v)) return Number(m[3]);
  }
  return undefined;
}

/**
 * What an IT officer runs the server with: /metrics (scrape token or admin
 * session, never public), a health endpoint naming the failing dependency,
 * and backup/restore — a restored database gives the same day's figures and
 * an audit chain that verifies against the anchor kept at backup time. On
 * whichever backend CW_TEST_DB selects.
 */
describe(`operations: metrics, health, backup and restore (${testBackend()})`, () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  let cluster: PgCluster | undefined;
  let dept: Stack['provisioned']['departments'][number];
  let director: string;
  let admin: string;
  const passwords = { director: '', admin: '' };
  let stamp: ReturnType<typeof events>;

  /** The admin CLI against the stack's database (or another, for the restore). */
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [SERVER_ADMIN, ...args], {
      encoding: 'utf8',
      env: {
        ...process.env,
        CW_DATABASE_URL: databaseUrlOf(stack.dataDir) ?? '',
        CW_CLOCK_OFFSET_MS: String(clock.offsetMs),
        ...env,
      },
    });

  /** A served and rated ticket at a counter, from issue to rating, starting at t0. */
  const servedTicket = (n: number, counterId: string, t0: number): unknown[] => {
    const ticketId = `${dept.id}-ops-${n}`;
    return [
      stamp({ type: 'ticket.issued', ticketId, ticketNumber: `A${n}`, serviceCode: 'id-card' }, t0),
      stamp({ type: 'ticket.called', ticketId, counterId }, t0 + MIN),
      stamp({ type: 'service.started', ticketId, counterId }, t0 + 1.5 * MIN),
      stamp({ type: 'service.finished', ticketId, counterId, outcome: 'completed' }, t0 + (3 + n) * MIN),
      stamp(
        { type: 'rating.submitted', ticketId, counterId, rating: n % 3 === 0 ? 'unsatisfied' : 'satisfied' },
        t0 + (3.5 + n) * MIN,
      ),
    ];
  };

  const scrape = async (headers: Record<string, string>) => {
    const res = await fetch(`${stack.url}/metrics`, { headers });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  };

  /** The day's figures that do not move with the clock (waits do). */
  const dayFigures = (m: DepartmentMetrics) => ({
    servedToday: m.servedToday,
    issuedToday: m.issuedToday,
    satisfaction: m.satisfaction,
    ratingsToday: m.ratingsToday,
    meanServiceSeconds: m.meanServiceSeconds,
    p90ServiceSeconds: m.p90ServiceSeconds,
    noShowRate: m.noShowRate,
  });

  const served = async (cookie: string, count: number): Promise<DepartmentMetrics> =>
    eventually(`${count} served today`, async () => {
      const d = (await overview(stack.url, cookie)).departments.find((x) => x.id === dept.id);
      return d && d.metrics.servedToday === count ? d.metrics : undefined;
    });

  beforeAll(async () => {
    ({ stack, cleanup, clock, cluster } = await testStack('ops', {
      departments: 1,
      countersPerDepartment: 2,
      serverEnv: { CW_METRICS_TOKEN: TOKEN },
    }));
    dept = stack.provisioned.departments[0]!;
    passwords.director = stack.ensureUser('director', ['director']);
    passwords.admin = stack.ensureUser('admin', ['admin']);
    director = await loginCookie(stack.url, 'director', passwords.director);
    admin = await loginCookie(stack.url, 'admin', passwords.admin);
    stamp = events(dept.id, 'qs', 'ops', clock.now);
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('metrics need the scrape token or an admin session: never public', async () => {
    expect((await scrape({})).status).toBe(401);
    expect((await scrape({ authorization: 'Bearer wrong-token-wrong-token-wrong' })).status).toBe(401);
    expect(
      (await scrape({ authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` })).status,
    ).toBe(401);
    // A wrong token is refused even beside an admin's cookie.
    expect((await scrape({ authorization: 'Bearer nope', cookie: admin })).status).toBe(401);
    expect((await scrape({ cookie: director })).status).toBe(403);
    const byAdmin = await scrape({ cookie: admin });
    expect(byAdmin.status).toBe(200);
    const byToken = await scrape({ authorization: `Bearer ${TOKEN}` });
    expect(byToken.status).toBe(200);
    expect(byToken.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(byToken.text).toContain('# TYPE cw_queue_events_total counter');
  });

  it('metrics count events, consoles, alerts, media workers, recording disk and database latency', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const udpBefore = await udpReceiveCounters();
    const before = (await scrape(auth)).text;
    const events0 = (outcome: string) =>
      sample(before, 'cw_queue_events_total', { origin: 'department', outcome }) ?? 0;
    const now = clock.now();
    const [c0, c1] = dept.counters.map((c) => c.id) as [string, string];
    const batch = [
      stamp({ type: 'counter.opened', counterId: c0 }, now - 100 * MIN),
      stamp({ type: 'counter.opened', counterId: c1 }, now - 100 * MIN),
      ...[0, 1, 2, 3].flatMap((n) => servedTicket(n, n % 2 ? c1 : c0, now - 90 * MIN + n * 10 * MIN)),
    ];
    const first = await postEvents(stack.url, dept.apiKey, batch);
    expect(first.result?.accepted).toBe(batch.length);
    // One replay, two refused: no ticket id; a counter that does not exist.
    const second = await postEvents(stack.url, dept.apiKey, [
      batch[2],
      stamp({ type: 'ticket.issued', ticketNumber: 'A99', serviceCode: 'id-card' }),
      stamp({ type: 'ticket.called', ticketId: 'nobody', counterId: 'no-such-counter' }),
    ]);
    expect(second.result).toMatchObject({ accepted: 0, duplicate: 1, rejected: 2 });

    // A console connected: one viewer.
    const socket = new RawSocket(`${stack.url.replace('http', 'ws')}/ws/console`, {
      cookie: director,
      origin: stack.url,
    });
    await socket.opened;
    try {
      const text = await eventually('the console counted', async () => {
        const t = (await scrape(auth)).text;
        return sample(t, 'cw_console_connections') === 1 ? t : undefined;
      });
      const events1 = (outcome: string) =>
        sample(text, 'cw_queue_events_total', { origin: 'department', outcome }) ?? 0;
      expect(events1('accepted') - events0('accepted')).toBe(batch.length);
      expect(events1('duplicate') - events0('duplicate')).toBe(1);
      expect(events1('rejected') - events0('rejected')).toBe(2);
      // The process: CPU and memory (prom-client's default metrics).
      expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(10e6);
      // The mediasoup worker: its own CPU and memory, by pid; streams and consumers it holds.
      const pid = /cw_mediasoup_worker_max_rss_bytes\{index="0",pid="(\d+)"\}/.exec(text)?.[1];
      expect(Number(pid)).toBeGreaterThan(0);
      expect(Number(pid)).not.toBe(stack.server.pid);
      expect(sample(text, 'cw_mediasoup_worker_max_rss_bytes', { index: '0' })).toBeGreaterThan(1e6);
      expect(
        sample(text, 'cw_mediasoup_worker_cpu_seconds_total', { index: '0', mode: 'user' }),
      ).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'cw_media_producers', { index: '0' })).toBe(0);
      expect(sample(text, 'cw_media_consumers', { index: '0' })).toBe(0);
      expect(sample(text, 'cw_agent_connections')).toBe(0);
      // Alerts by severity: the series are there at zero too.
      for (const severity of ['info', 'warning', 'critical'])
        expect(sample(text, 'cw_alerts_active', { severity, rule: 'any' }), severity).toBeGreaterThanOrEqual(
          0,
        );
      // Recording: nothing publishing, so no recorder; the disk it writes to is measured.
      expect(sample(text, 'cw_recorders_active')).toBe(0);
      expect(sample(text, 'cw_recording_failures_total')).toBe(0);
      expect(sample(text, 'cw_recording_disk_free_bytes')).toBeGreaterThan(0);
      expect(sample(text, 'cw_recording_disk_size_bytes')).toBeGreaterThan(
        sample(text, 'cw_recording_disk_free_bytes') ?? Infinity,
      );
      // The database, on the backend in use: every storage call timed, and a probe per scrape.
      const backend = testBackend();
      const inserts = sample(text, 'cw_database_call_seconds_count', {
        backend,
        operation: 'insertQueueEvents',
        result: 'ok',
      });
      expect(inserts).toBeGreaterThanOrEqual(2);
      expect(
        sample(text, 'cw_database_call_seconds_count', { backend, operation: 'audit.append' }),
      ).toBeGreaterThan(0);
      expect(sample(text, 'cw_database_probe_seconds')).toBeGreaterThan(0);
      // The host's UDP counters, where a media socket's full buffer shows first.
      const udpAfter = await udpReceiveCounters();
      const received = sample(text, 'cw_host_udp_datagrams_received_total');
      const dropped = sample(text, 'cw_host_udp_receive_buffer_errors_total');
      expect(received).toBeGreaterThanOrEqual(udpBefore!.inDatagrams);
      expect(received).toBeLessThanOrEqual(udpAfter!.inDatagrams);
      expect(dropped).toBeGreaterThanOrEqual(udpBefore!.receiveBufferErrors);
      expect(dropped).toBeLessThanOrEqual(udpAfter!.receiveBufferErrors);
    } finally {
      socket.close();
    }
  });

  it('a publishing counter shows as an agent, streams, consumers and a running recorder', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const counterId = dept.counters[0]!.id;
    await stack.startAgent(counterId);
    try {
      const text = await eventually(
        'the counter published and recorded',
        async () => {
          const t = (await scrape(auth)).text;
          return sample(t, 'cw_agent_connections') === 1 &&
            (sample(t, 'cw_media_producers', { index: '0' }) ?? 0) >= 2 &&
            sample(t, 'cw_recorders_active') === 1 &&
            sample(t, 'cw_recording_counters', { health: 'recording' }) === 1
            ? t
            : undefined;
        },
        { timeoutMs: 60_000 },
      );
      // The recorder consumes the counter's streams on the same worker.
      expect(sample(text, 'cw_media_consumers', { index: '0' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'cw_recording_counters', { health: 'error' })).toBe(0);
    } finally {
      await stack.agents.get(counterId)?.stop();
    }
    await eventually('the agent gone', async () =>
      sample((await scrape(auth)).text, 'cw_agent_connections') === 0 ? true : undefined,
    );
  });

  it('health answers 200 with each dependency checked, and 503 naming the one that fails', async () => {
    const healthy = await getJson(stack.url, '/api/v1/health');
    expect(healthy.status).toBe(200);
    expect(healthy.body).toMatchObject({
      ok: true,
      workers: 1,
      failing: [],
      checks: { database: { ok: true }, mediaWorkers: { ok: true }, recordingDisk: { ok: true } },
    });
    // PostgreSQL's LISTEN connection is a dependency of its own; SQLite has none.
    expect((healthy.body.checks as Record<string, unknown>).changeFeed).toEqual(
      testBackend() === 'postgres' ? { ok: true } : undefined,
    );

    // The recordings directory goes away (an unmounted disk): the health says so, and recovers.
    const recordings = path.join(stack.dataDir, 'recordings');
    const away = `${recordings}.away`;
    fs.renameSync(recordings, away);
    try {
      const broken = await getJson(stack.url, '/api/v1/health');
      expect(broken.status).toBe(503);
      expect(broken.body).toMatchObject({
        ok: false,
        failing: ['recordingDisk'],
        checks: { database: { ok: true }, recordingDisk: { ok: false, reason: 'unreachable' } },
      });
      // Nothing about the machine is told to an anonymous caller.
      expect(JSON.stringify(broken.body)).not.toContain(stack.dataDir);
    } finally {
      // A recorder running meanwhile made the directory again (CI, stop 20): keep what it wrote aside.
      if (fs.existsSync(recordings)) fs.renameSync(recordings, `${recordings}.during`);
      fs.renameSync(away, recordings);
    }
    expect((await getJson(stack.url, '/api/v1/health')).status).toBe(200);
  });

  it('backup, more rows, restore into a fresh database: the same day, and the chain verifies against the anchor kept', async () => {
    const [c0, c1] = dept.counters.map((c) => c.id) as [string, string];
    const atBackup = dayFigures(await served(director, 4));
    const reportAtBackup = ReportSchema.parse(
      (await getJson(stack.url, `/api/v1/reports?period=day&departmentId=${dept.id}`, director)).body,
    ).total.figures;
    expect(reportAtBackup.served).toBe(4);

    const backupFile = path.join(stack.dir, 'backups', `counterwatch.${testBackend()}.backup`);
    fs.mkdirSync(path.dirname(backupFile), { recursive: true });
    const backup = cli(['database', 'backup', '--data-dir', stack.dataDir, '--out', backupFile]);
    expect(backup.status, backup.stderr).toBe(0);
    const anchor = /audit anchor: (\d+:[0-9a-f]{64})/.exec(backup.stdout)?.[1];
    expect(anchor, backup.stdout).toBeDefined();
    // Never the database password, on the terminal or the command line of pg_dump.
    const url = databaseUrlOf(stack.dataDir);
    if (url) {
      const password = decodeURIComponent(new URL(url).password);
      expect(backup.stdout + backup.stderr).not.toContain(password);
    }
    // The backup file is not a world-readable copy of the database.
    expect(fs.statSync(backupFile).mode & 0o077).toBe(0);
    // A second backup to the same name is refused: nothing is overwritten.
    const again = cli(['database', 'backup', '--data-dir', stack.dataDir, '--out', backupFile]);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/exists/);

    const eventsAtBackup = countStoredEvents(stack.dataDir);
    // After the backup: more service, and more audit rows.
    const now = clock.now();
    const later = [4, 5].flatMap((n) =>
      servedTicket(n, n % 2 ? c1 : c0, now - 30 * MIN + (n - 4) * 12 * MIN),
    );
    expect((await postEvents(stack.url, dept.apiKey, later)).result?.accepted).toBe(later.length);
    stack.ensureUser('after-backup', ['director']);
    expect((await served(director, 6)).servedToday).toBe(6);
    const verifiedAfter = cli(['audit', 'verify', '--data-dir', stack.dataDir]);
    expect(verifiedAfter.status, verifiedAfter.stdout).toBe(0);
    const anchorAfter = /head (\d+:[0-9a-f]{64})/.exec(verifiedAfter.stdout)?.[1];
    expect(Number(anchorAfter?.split(':')[0])).toBeGreaterThan(Number(anchor?.split(':')[0]));
    const eventsAfter = countStoredEvents(stack.dataDir);

    await stack.stopServer();
    // Restoring over the live database is refused without --force, and changes nothing.
    const refused = cli(['database', 'restore', '--data-dir', stack.dataDir, '--from', backupFile]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/exists|not empty/);
    expect(countStoredEvents(stack.dataDir)).toBe(eventsAfter);

    // Into a fresh database: a new data directory (SQLite) or a new database (PostgreSQL).
    const freshDir = path.join(stack.dir, 'restored-data');
    const freshUrl = cluster ? await cluster.createDatabase('cw_restored') : '';
    const target = { CW_DATABASE_URL: freshUrl };
    const restored = cli(
      ['database', 'restore', '--data-dir', freshDir, '--from', backupFile, '--anchor', anchor!],
      target,
    );
    expect(restored.status, restored.stderr + restored.stdout).toBe(0);
    expect(restored.stdout).toMatch(/audit trail intact/);
    // The rows written after the backup are not in it: the later anchor does not verify there.
    const laterAnchor = cli(['audit', 'verify', '--data-dir', freshDir, '--anchor', anchorAfter!], target);
    expect(laterAnchor.status).toBe(2);

    // Over the old database with --force (the wiped or damaged case): back to the backup's rows.
    const forced = cli(['database', 'restore', '--data-dir', stack.dataDir, '--from', backupFile, '--force']);
    expect(forced.status, forced.stderr + forced.stdout).toBe(0);
    expect(countStoredEvents(stack.dataDir)).toBe(eventsAtBackup);
    expect(cli(['audit', 'verify', '--data-dir', stack.dataDir, '--anchor', anchor!]).status).toBe(0);

    await stack.startServer(cluster ? { CW_DATABASE_URL: freshUrl } : { CW_DATA_DIR: freshDir });
    const cookie = await loginCookie(stack.url, 'director', passwords.director);
    expect(dayFigures(await served(cookie, 4))).toEqual(atBackup);
    const report = ReportSchema.parse(
      (await getJson(stack.url, `/api/v1/reports?period=day&departmentId=${dept.id}`, cookie)).body,
    ).total.figures;
    expect(report).toEqual(reportAtBackup);
    const verify = await getJson(stack.url, `/api/v1/audit/verify?anchor=${anchor}`, cookie);
    expect(verify.body).toMatchObject({ ok: true });
    const verifyLater = await getJson(stack.url, `/api/v1/audit/verify?anchor=${anchorAfter}`, cookie);
    expect(verifyLater.body).toMatchObject({ ok: false });
    // The account made after the backup is not there; those before it are.
    const adminCookie = await loginCookie(stack.url, 'admin', passwords.admin);
    const users = (await getJson(stack.url, '/api/v1/admin/users', adminCookie)).body.users as {
      username: string;
    }[];
    expect(users.map((u) => u.username).sort()).toEqual(['admin', 'director']);
  });

  it.runIf(testBackend() === 'postgres')(
    'PostgreSQL down: the health names the database (and the LISTEN feed), 503',
    async () => {
      await cluster!.stop();
      // The LISTEN connection is cut too: it is named as soon as the server notices.
      const down = await eventually('the database and its LISTEN feed missed', async () => {
        const res = await getJson(stack.url, '/api/v1/health');
        const failing = res.body.failing as string[];
        return res.status === 503 && failing.includes('changeFeed') ? res.body : undefined;
      });
      expect(down).toMatchObject({
        ok: false,
        failing: ['database', 'changeFeed'],
        checks: { database: { ok: false }, mediaWorkers: { ok: true }, changeFeed: { ok: false } },
      });
    },
  );
});
