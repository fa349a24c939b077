#!/usr/bin/env node
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { clockOffsetFromEnv, offsetClock, type QueueEvent } from '@counterwatch/shared';
import { demoClockOffset } from './demoClock.js';
import { ensureDemoDevices } from './demoDevices.js';
import { MAX_HISTORY_DAYS, postDemoHistory } from './demoHistory.js';
import { ALL_DAY } from './provision.js';
import { queueSystemSink } from './queueSink.js';
import { planDay, readStoredDay, writeStoredDay } from './simulatedDay.js';
import { SimulationRunner } from './simulator/SimulationRunner.js';
import { Stack } from './Stack.js';

/**
 * `npm start`: the server, one simulated counter agent per counter (test
 * picture and tone), and one account per role, then the URL and logins.
 *
 *   CW_DEMO_COUNTERS (8)     counters in all; above 16 a province (provincial departments + commune stations)
 *   CW_DEMO_DEPARTMENTS (2)  departments sharing up to 16 counters   CW_DEMO_PORT (8080)
 *   CW_DEMO_AGENTS           counters with a real agent (all up to 16, else 3); the rest share one load publisher
 *   CW_DEMO_WEBRTC_PORT (40000: the SFU's one WebRTC port, UDP and TCP; another for a second demo)
 *   CW_DEMO_DIR (.demo)      CW_DEMO_FOCUS (640x360@20:500)       CW_DEMO_GRID (320x180@15:150)
 *   CW_DEMO_CLOCK (HH:MM)    start the demo's clock at this Vietnam time today (e.g. 03:55 to watch the day turn)
 *   CW_DEMO_HISTORY_DAYS (6; 2 in a province) past days simulated at start, for the reports and the staffing
 *                            advisor (0–6); a province's six days take minutes to post on 2 cores
 */
/** A province's week of history is ~200 000 events: minutes to post before the demo is up. */
const PROVINCE_HISTORY_DAYS = 2;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const Env = z.object({
  CW_DEMO_DEPARTMENTS: z.coerce.number().int().min(1).max(50).default(2),
  CW_DEMO_COUNTERS: z.coerce.number().int().min(1).max(1000).default(8),
  CW_DEMO_AGENTS: z.coerce.number().int().min(0).max(1000).optional(),
  CW_DEMO_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  CW_DEMO_WEBRTC_PORT: z.coerce.number().int().min(1).max(65535).default(40000),
  CW_DEMO_DIR: z.string().default(path.join(repoRoot, '.demo')),
  // Small renditions by default: a 2-core machine also runs the encoders and the browser.
  CW_DEMO_FOCUS: z.string().default('640x360@20:500'),
  CW_DEMO_GRID: z.string().default('320x180@15:150'),
  /** Citizens per department per day; 4 counters clear about 180. The last department gets more, to show alerts. */
  CW_DEMO_CITIZENS: z.coerce.number().int().min(10).max(5000).default(170),
  CW_DEMO_SPEED: z.coerce.number().min(0.1).max(100).default(1),
  CW_DEMO_SEED: z.coerce.number().int().optional(),
  CW_DEMO_HISTORY_DAYS: z.coerce.number().int().min(0).max(MAX_HISTORY_DAYS).optional(),
  CW_DEMO_CLOCK: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (Vietnam time)')
    .optional(),
});

/** Up to this many counters the demo is a few ward stations, each counter with its own agent. */
const SMALL_DEMO_MAX = 16;

const Logins = z.record(z.string(), z.object({ username: z.string(), password: z.string() }));
type Role = 'director' | 'inspector' | 'head' | 'auditor' | 'admin';
const ROLES: Role[] = ['director', 'inspector', 'head', 'auditor', 'admin'];

async function main(): Promise<void> {
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) {
    process.stderr.write(
      `demo settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n`,
    );
    process.exit(78);
  }
  const env = parsed.data;
  // One clock for the server, the agents and the simulator: the machine's, or pinned to CW_DEMO_CLOCK.
  const offsetMs = env.CW_DEMO_CLOCK
    ? demoClockOffset(env.CW_DEMO_CLOCK, Date.now()) // eslint-disable-line no-restricted-syntax -- the machine's time, to offset from
    : clockOffsetFromEnv(process.env);
  const clock = offsetClock(offsetMs);
  const baseSeed = env.CW_DEMO_SEED ?? Math.floor(clock() / 86_400_000);
  const dir = path.resolve(env.CW_DEMO_DIR);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  process.stdout.write(`\nStarting the CounterWatch demo in ${dir} …\n`);

  // Above 16 counters a province: real agents for a few counters, one shared encoder for the rest (2 cores).
  const province = env.CW_DEMO_COUNTERS > SMALL_DEMO_MAX;
  const agentCount = Math.min(
    env.CW_DEMO_COUNTERS,
    env.CW_DEMO_AGENTS ?? (province ? 3 : env.CW_DEMO_COUNTERS),
  );
  const stack = await Stack.create({
    dir,
    httpPort: env.CW_DEMO_PORT,
    publicUrl: `http://localhost:${env.CW_DEMO_PORT}`,
    allowedOrigins: [`http://127.0.0.1:${env.CW_DEMO_PORT}`],
    departments: env.CW_DEMO_DEPARTMENTS,
    countersPerDepartment: Math.ceil(env.CW_DEMO_COUNTERS / env.CW_DEMO_DEPARTMENTS),
    ...(province ? { province: env.CW_DEMO_COUNTERS } : {}),
    openingHours: ALL_DAY,
    workers: 1,
    webRtcPort: env.CW_DEMO_WEBRTC_PORT,
    focusRendition: env.CW_DEMO_FOCUS,
    gridRendition: env.CW_DEMO_GRID,
    clockOffsetMs: offsetMs,
    // Recording is one ffmpeg per counter: a province on 2 cores records only if asked (CW_RECORDING=true).
    ...(province && process.env.CW_RECORDING === undefined ? { serverEnv: { CW_RECORDING: 'false' } } : {}),
  });

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping the demo …\n');
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  void stack.server.exited.then(({ code, signal }) => {
    if (stopping) return;
    process.stderr.write(
      `\nThe server exited (${code ?? signal}); see ${path.join(dir, 'logs', 'server.log')}\n`,
    );
    stop();
  });

  const logins = ensureAccounts(stack, dir);
  await stack.startAgents(agentCount);
  const loadCounters = stack.provisioned.counters.slice(agentCount).map((c) => c.id);
  if (loadCounters.length > 0) await stack.startLoadPublisher(loadCounters);

  // A simulated day of queues, posted like a department's queue-number system would.
  const keys = new Map(stack.provisioned.departments.map((d) => [d.id, d.apiKey]));
  const post = queueSystemSink(stack.url, (id) => keys.get(id) ?? '', clock);
  const departments = stack.provisioned.departments.map((d, i, all) => ({
    id: d.id,
    counters: d.counters.map((c) => ({ id: c.id, services: c.services })),
    // CW_DEMO_CITIZENS is per 4 counters; the last department (and in a province every ninth) is busier, to show alerts.
    dailyCitizens: Math.round(
      ((env.CW_DEMO_CITIZENS * d.counters.length) / 4) *
        ((i === all.length - 1 && all.length > 1) || (province && i % 9 === 4) ? 1.6 : 1),
    ),
  }));
  // The days before today, so reports and the staffing advisor have something to look back on.
  const historyDays = env.CW_DEMO_HISTORY_DAYS ?? (province ? PROVINCE_HISTORY_DAYS : MAX_HISTORY_DAYS);
  if (historyDays > 0) {
    const history = await postDemoHistory({
      days: historyDays,
      departments,
      now: clock,
      sink: post,
    });
    if (history.rejected > 0)
      process.stderr.write(`demo history: ${history.rejected} of ${history.events} events refused\n`);
  }
  // Continue the day the database holds, if it is not over; else start a new one.
  const dayFile = path.join(dir, 'simulated-day.json');
  const plan = planDay(
    readStoredDay(dayFile),
    {
      baseSeed,
      speed: env.CW_DEMO_SPEED,
      setup: JSON.stringify(departments),
      newDayBackfillMinutes: 150,
    },
    clock(),
  );
  writeStoredDay(dayFile, plan.day);
  const deadLetters = deadLetterFile(path.join(dir, 'dead-letters.jsonl'));
  let failing = false;
  const simulator = new SimulationRunner({
    seed: plan.day.seed,
    speed: env.CW_DEMO_SPEED,
    backfillMinutes: plan.backfillMinutes,
    departments,
    now: clock,
    sink: async (departmentId, events) => {
      const result = await post(departmentId, events);
      if (failing) process.stderr.write('simulator: the server takes events again\n');
      failing = false;
      return result;
    },
    // Said once when delivery starts failing (retried with backoff), not on every retry.
    onError: (error) => {
      if (!failing)
        process.stderr.write(
          `simulator: events not delivered, retrying: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      failing = true;
    },
    onRejected: (event, reason) => deadLetters.add(event, reason),
  });
  await simulator.start();
  process.on('exit', () => simulator.stop());

  // The first department's devices, enrolled like an admin would, so a newcomer can open each at once.
  const first = stack.provisioned.departments[0];
  const firstCounter = first?.counters[0];
  const { devices, officer } =
    first && firstCounter && logins.admin
      ? await ensureDemoDevices({
          url: stack.url,
          publicUrl: `http://localhost:${env.CW_DEMO_PORT}`,
          dir,
          admin: logins.admin,
          department: { id: first.id, counterId: firstCounter.id, counterName: firstCounter.name },
        }).catch((error: unknown) => {
          // The rest of the demo works without them; the admin page can enrol devices by hand.
          process.stderr.write(
            `demo devices not enrolled: ${error instanceof Error ? error.message : String(error)}\n`,
          );
          return { devices: [], officer: null };
        })
      : { devices: [], officer: null };

  const lines = [
    '',
    'CounterWatch demo is running.',
    '',
    `  Console:   http://localhost:${env.CW_DEMO_PORT}/`,
    ...ROLES.map((role) => {
      const l = logins[role];
      return l ? `  login ${role}: ${l.username} ${l.password}` : `  login ${role}: (missing)`;
    }),
    `  Counters:  ${stack.provisioned.counters.length} simulated in ${stack.provisioned.departments.length} departments: ${agentCount} with an agent each (test picture and tone)${loadCounters.length > 0 ? `, ${loadCounters.length} from one shared encoder (load publisher, picture only)` : ''}`,
    ...(province && process.env.CW_RECORDING === undefined
      ? ['  Recording: off in a province demo (one ffmpeg per counter); CW_RECORDING=true to record']
      : []),
    `  Browser publisher page: http://localhost:${env.CW_DEMO_PORT}/agent`,
    `  Department devices of ${first?.name ?? ''} (enrolled; each link opens the device ready to use, once per browser):`,
    ...devices.map((d) => `    ${d.name}: ${d.link}`),
    ...(officer
      ? [
          `    Officer at the panel: ${officer.displayName} — badge ${officer.badgeNumber}, PIN ${officer.pin} (sign in on the panel)`,
        ]
      : []),
    '    More devices: log in as admin › Quản trị › Thiết bị (a one-time code per device).',
    '  Queue-system keys (POST /api/v1/events only):',
    ...stack.provisioned.departments.slice(0, KEYS_SHOWN).map((d) => `    ${d.name}: ${d.apiKey}`),
    ...(stack.provisioned.departments.length > KEYS_SHOWN
      ? [`    … ${stack.provisioned.departments.length - KEYS_SHOWN} more in ${writeKeys(dir, stack)}`]
      : []),
    `  Queues: ${plan.resumed ? 'the simulated day continues' : 'a new simulated day'} (seed ${plan.day.seed}, ${env.CW_DEMO_SPEED}× speed, opened ${new Date(plan.day.openedAt).toISOString()}) posted to /api/v1/events`,
    ...(offsetMs !== 0
      ? [`  Clock:     ${new Date(clock()).toISOString()} (CW_DEMO_CLOCK / CW_CLOCK_OFFSET_MS)`]
      : []),
    `  Logs:      ${path.join(dir, 'logs')}`,
    '',
    'Press Ctrl+C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

/** Queue-system keys printed; a province's are in a file instead (its departments would fill the terminal). */
const KEYS_SHOWN = 8;

function writeKeys(dir: string, stack: Stack): string {
  const file = path.join(dir, 'queue-keys.json');
  const keys = Object.fromEntries(
    stack.provisioned.departments.map((d) => [d.id, { name: d.name, apiKey: d.apiKey }]),
  );
  fs.writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return file;
}

/** One account per role, created on first run with generated passwords, remembered in the demo directory. */
function ensureAccounts(
  stack: Stack,
  dir: string,
): Partial<Record<Role, { username: string; password: string }>> {
  // Remembered logins are only good while the database that has them exists: the SQLite file's
  // marker sits beside it; a PostgreSQL database (CW_DATABASE_URL) has its own logins and marker.
  const databaseUrl = process.env.CW_DATABASE_URL;
  const tag = databaseUrl ? `.pg-${createHash('sha256').update(databaseUrl).digest('hex').slice(0, 12)}` : '';
  const file = path.join(dir, `logins${tag}.json`);
  const marker = path.join(stack.dataDir, `counterwatch.db.demo-accounts${tag}`);
  let logins: z.infer<typeof Logins> = {};
  if (fs.existsSync(file) && fs.existsSync(marker)) {
    const parsed = Logins.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (parsed.success) logins = parsed.data;
  }
  const headDepartment = stack.provisioned.departments[0]?.id;
  for (const role of ROLES) {
    if (logins[role]) continue;
    const username = role === 'head' ? 'truongphong' : role;
    const names: Record<Role, string> = {
      director: 'Giám đốc Công an tỉnh',
      inspector: 'Thanh tra viên',
      head: 'Trưởng Công an phường',
      auditor: 'Kiểm toán viên',
      admin: 'Quản trị hệ thống',
    };
    const password = stack.ensureUser(
      username,
      [role],
      role === 'head' && headDepartment ? [headDepartment] : undefined,
      names[role],
    );
    logins[role] = { username, password };
  }
  fs.writeFileSync(file, JSON.stringify(logins, null, 2), { mode: 0o600 });
  fs.writeFileSync(marker, `the demo accounts of ${path.basename(file)} exist\n`);
  return logins;
}

/**
 * Events the server refused for good, kept (one JSON line each) rather than
 * retried: the simulator's equivalent of the agent's dead-letter table. One
 * line on the terminal for the first, then a count every hundred.
 */
function deadLetterFile(file: string): { add: (event: QueueEvent, reason: string) => void } {
  let count = 0;
  return {
    add(event, reason) {
      fs.appendFileSync(file, `${JSON.stringify({ reason, event })}\n`, { mode: 0o600 });
      count += 1;
      if (count === 1 || count % 100 === 0)
        process.stderr.write(
          `simulator: ${count} event(s) refused by the server, kept in ${file} (${reason})\n`,
        );
    },
  };
}

main().catch((error: unknown) => {
  process.stderr.write(
    `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
