import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import fc from 'fast-check';
import WebSocket from 'ws';
import type { Stack } from '@counterwatch/demo';
import { loginCookie } from '../http.js';
import { draw, mutant, wireText, type Json, type Wire } from './mutate.js';

/**
 * A protocol fuzzer against a running stack: agent and console sockets and
 * every REST route the server lists, fed mutated valid messages (see
 * mutate.ts) from several lanes at once. It counts what must never happen —
 * an HTTP 5xx, an `internal` error on a socket, a dead server or mediasoup
 * worker — and keeps the first examples of each so they can be replayed.
 */
export interface FuzzOptions {
  messages: number;
  seed: number;
  /** Lanes sending at once. */
  lanes?: number;
  onProgress?: (sent: number) => void;
  /** The stack's clock, for event times. */
  now: () => number;
}

export interface FuzzReport {
  sent: { agent: number; console: number; rest: number };
  /** HTTP status → count. */
  statuses: Record<string, number>;
  /** Socket error code → count (in responses and error frames). */
  socketErrors: Record<string, number>;
  socketsClosedByServer: number;
  /** What must be empty. */
  failures: { kind: string; detail: string }[];
  durationMs: number;
}

type Channel = 'agent' | 'console' | 'rest';

interface Ctx {
  stack: Stack;
  wsBase: string;
  cookies: Record<string, string>;
  routes: { method: string; path: string }[];
  tokens: string[];
  counterIds: string[];
  departmentIds: string[];
  apiKeys: string[];
  rtpCapabilities: Json;
  now: () => number;
  report: FuzzReport;
}

const MAX_FAILURE_EXAMPLES = 20;
/** Every request and upgrade is answered within this, or it is a failure. */
const ANSWER_TIMEOUT_MS = 15_000;

function fail(ctx: Ctx, kind: string, detail: string): void {
  if (ctx.report.failures.length < MAX_FAILURE_EXAMPLES)
    ctx.report.failures.push({ kind, detail: detail.slice(0, 600) });
  else ctx.report.failures.push({ kind, detail: '(more)' });
}

const describeWire = (w: Wire): string =>
  w.kind === 'json'
    ? JSON.stringify(w.value).slice(0, 400)
    : w.kind === 'text'
      ? `text:${w.text.slice(0, 200)}`
      : `bytes(${w.bytes.length})`;

/** One socket lane: connects (and says hello) as needed, sends mutants, reads every reply. */
class SocketLane {
  #ws: WebSocket | undefined;
  #opening: Promise<WebSocket | undefined> | undefined;
  #nextId = 1;
  readonly #ctx: Ctx;
  readonly #channel: 'agent' | 'console';
  /** Ids the server handed out (transports, consumers): reused so lifecycles go somewhere. */
  readonly known = { transports: [] as string[], consumers: [] as string[] };

  constructor(ctx: Ctx, channel: 'agent' | 'console') {
    this.#ctx = ctx;
    this.#channel = channel;
  }

  async #open(): Promise<WebSocket | undefined> {
    const ctx = this.#ctx;
    const url = `${ctx.wsBase}/ws/${this.#channel}`;
    const headers =
      this.#channel === 'console' ? { cookie: ctx.cookies.director ?? '', origin: ctx.stack.url } : {};
    const ws = new WebSocket(url, { headers });
    const opened = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        fail(ctx, `${this.#channel}: upgrade not answered`, url);
        ws.terminate();
        resolve(false);
      }, ANSWER_TIMEOUT_MS);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(true);
      });
      ws.once('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!opened) return undefined;
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      if (this.#ws === ws) this.#ws = undefined;
      if (code !== 1000 && code !== 1005) ctx.report.socketsClosedByServer += 1;
    });
    ws.on('message', (data: Buffer) => this.#onFrame(data));
    this.#ws = ws;
    // Usually introduce ourselves properly, so the requests behind the hello are reached.
    if (Math.random() < 0.8) {
      const hello =
        this.#channel === 'console'
          ? { protocolVersion: 1 }
          : {
              protocolVersion: 1,
              counterId: ctx.counterIds[1] ?? '',
              token: ctx.tokens[1] ?? '',
              publisher: 'ffmpeg',
              agentVersion: 'fuzz',
            };
      ws.send(JSON.stringify({ kind: 'request', id: this.#nextId++, name: 'hello', data: hello }));
    }
    return ws;
  }

  #onFrame(data: Buffer): void {
    let frame: {
      kind?: string;
      ok?: boolean;
      error?: { code?: string; message?: string };
      data?: Record<string, unknown>;
    };
    try {
      frame = JSON.parse(data.toString('utf8')) as typeof frame;
    } catch {
      fail(this.#ctx, `${this.#channel}: unparseable frame from server`, data.toString('utf8'));
      return;
    }
    const code = frame.error?.code;
    if (code) {
      this.#ctx.report.socketErrors[code] = (this.#ctx.report.socketErrors[code] ?? 0) + 1;
      if (code === 'internal')
        fail(this.#ctx, `${this.#channel}: internal error`, frame.error?.message ?? '');
    }
    const d = frame.data;
    if (frame.kind === 'response' && frame.ok && d && typeof d === 'object') {
      if (typeof d.id === 'string' && 'iceParameters' in d) this.known.transports.push(d.id);
      if (typeof d.consumerId === 'string') this.known.consumers.push(d.consumerId);
      if (typeof d.id === 'string' && 'producerId' in d) this.known.consumers.push(d.id);
    }
    if (this.known.transports.length > 50) this.known.transports.splice(0, 25);
    if (this.known.consumers.length > 200) this.known.consumers.splice(0, 100);
  }

  async send(frame: Wire): Promise<void> {
    if (!this.#ws || this.#ws.readyState !== WebSocket.OPEN) {
      this.#opening ??= this.#open().finally(() => (this.#opening = undefined));
      await this.#opening;
    }
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    if (
      frame.kind === 'json' &&
      frame.value &&
      typeof frame.value === 'object' &&
      !Array.isArray(frame.value) &&
      frame.value.kind === 'request' &&
      typeof frame.value.id === 'number'
    )
      frame.value.id = this.#nextId++;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        fail(this.#ctx, `${this.#channel}: the server stopped reading`, describeWire(frame));
        ws.terminate();
        resolve();
      }, ANSWER_TIMEOUT_MS);
      ws.send(wireText(frame), () => {
        clearTimeout(timer);
        resolve();
      });
    });
    // Let replies come back now and then, like a real peer (and so the server is not just buffering).
    if (this.#nextId % 8 === 0) await new Promise((r) => setTimeout(r, 2));
  }

  close(): void {
    this.#ws?.close(1000);
  }
}

const dtls: Json = {
  role: 'client',
  fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }],
};

function agentSeeds(ctx: Ctx): Json[] {
  const key = randomBytes(30).toString('base64');
  const request = (name: string, data: Json): Json => ({ kind: 'request', id: 1, name, data });
  return [
    request('hello', {
      protocolVersion: 1,
      counterId: ctx.counterIds[1] ?? '',
      token: ctx.tokens[1] ?? '',
      publisher: 'ffmpeg',
      agentVersion: 'fuzz',
    }),
    request('publishPlain', { videoCodec: 'vp8', keys: { grid: key, focus: key, audio: null } }),
    request('routerCapabilities', {}),
    request('createSendTransport', {}),
    request('connectSendTransport', { dtlsParameters: dtls }),
    request('produce', {
      track: 'grid',
      kind: 'video',
      rtpParameters: {
        codecs: [
          { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [] },
        ],
        encodings: [{ ssrc: 1234 }],
        rtcp: { cname: 'fuzz' },
      },
    }),
    request('unpublish', {}),
    request('pushEvents', {
      events: [
        {
          id: `fz-${randomBytes(6).toString('hex')}`,
          departmentId: ctx.departmentIds[0] ?? '',
          occurredAt: ctx.now(),
          source: { id: 'fuzz', seq: 1 },
          type: 'counter.opened',
          counterId: ctx.counterIds[1] ?? '',
        },
      ],
      sentAt: ctx.now(),
    }),
    {
      kind: 'notification',
      name: 'heartbeat',
      data: {
        encoder: { state: 'running', restarts: 0, fps: 15, bitrateKbps: 150, lastExit: null },
        outbox: { pending: 0, capacity: 100, full: false },
        uptimeSeconds: 1,
      },
    },
  ];
}

function consoleSeeds(ctx: Ctx, lane: SocketLane): Json[] {
  const request = (name: string, data: Json): Json => ({ kind: 'request', id: 1, name, data });
  const transportId = lane.known.transports.at(-1) ?? 'no-such-transport';
  const consumerId = lane.known.consumers.at(-1) ?? 'no-such-consumer';
  return [
    request('hello', { protocolVersion: 1 }),
    request('routerCapabilities', {}),
    request('createTransport', { departmentId: ctx.departmentIds[0] ?? '' }),
    request('connectTransport', { transportId, dtlsParameters: dtls }),
    request('closeTransport', { transportId }),
    request('consume', {
      transportId,
      counterId: ctx.counterIds[0] ?? '',
      track: 'grid',
      rtpCapabilities: ctx.rtpCapabilities,
    }),
    request('resumeConsumer', { consumerId }),
    request('pauseConsumer', { consumerId }),
    request('closeConsumer', { consumerId }),
  ];
}

/** A body worth mutating for a route, by its path; `{}` where nothing better is known. */
function restSeed(ctx: Ctx, routePath: string): Json {
  const department = ctx.departmentIds[0] ?? '';
  const counter = ctx.counterIds[0] ?? '';
  if (routePath.endsWith('/events'))
    return {
      events: [
        {
          id: `fz-${randomBytes(6).toString('hex')}`,
          departmentId: department,
          occurredAt: ctx.now(),
          source: { id: 'fuzz-rest', seq: Math.floor(Math.random() * 1e9) },
          type: 'ticket.issued',
          ticketId: `fz-${randomBytes(4).toString('hex')}`,
          ticketNumber: 'A001',
          serviceCode: 'id-card',
        },
      ],
    };
  if (routePath.includes('/auth/login')) return { username: 'director', password: 'wrong-password' };
  if (routePath.includes('thresholds')) return { queuePerCounter: 8, longestWaitMinutes: 30 };
  if (routePath.includes('/users'))
    return { username: 'fuzzuser', displayName: 'Fuzz', roles: ['auditor'], departmentIds: null };
  if (routePath.includes('/inspections')) return { counterId: counter, officerName: 'Cán bộ', note: 'x' };
  if (routePath.includes('complaints'))
    return { departmentId: department, counterId: counter, at: ctx.now(), description: 'x' };
  if (routePath.includes('/actions')) return { action: 'call-next' };
  if (routePath.includes('/rating')) return { rating: 'unsatisfied' };
  if (routePath.includes('/tickets')) return { serviceCode: 'id-card' };
  if (routePath.includes('resolve')) return { note: 'x' };
  if (routePath.includes('decision')) return { finding: 'reminder', note: 'x' };
  if (routePath.includes('flag')) return { note: 'x' };
  return {};
}

const PARAM_VALUES = [
  (ctx: Ctx) => ctx.counterIds[0] ?? 'x',
  (ctx: Ctx) => ctx.departmentIds[0] ?? 'x',
  () => '1',
  () => '999999999',
  () => '..%2f..%2fetc%2fpasswd',
  () => '%c0%ae%c0%ae',
  () => '%u2215',
  () => encodeURIComponent("' OR 1=1 --"),
  () => 'x'.repeat(2000),
  () => '-1',
  () => 'NaN',
];

async function restCase(ctx: Ctx, seed: number): Promise<void> {
  const [route] = draw(fc.constantFrom(...ctx.routes), seed, 1);
  if (!route) return;
  const [auth] = draw(
    fc.constantFrom('none', 'director', 'admin', 'inspector', 'auditor', 'head', 'apikey', 'badkey'),
    seed + 1,
    1,
  );
  const [bodyWire] = draw(mutant(restSeed(ctx, route.path)), seed + 2, 1);
  const [paramPick, queryPick] = draw(fc.tuple(fc.nat(), fc.nat()), seed + 3, 1)[0] ?? [0, 0];
  const urlPath = route.path.replace(/:[A-Za-z]+/g, () => {
    const f = PARAM_VALUES[paramPick % PARAM_VALUES.length]!;
    return f(ctx);
  });
  const queries = [
    '',
    '?limit=5',
    '?from=abc&to=-1',
    `?departmentId=${ctx.departmentIds[0] ?? ''}`,
    '?limit=99999999999',
    '?x[]=1&x[y]=2',
    `?q=${'a'.repeat(3000)}`,
    '?%zz=1',
  ];
  const query = queries[queryPick % queries.length] ?? '';
  const headers: Record<string, string> = { origin: ctx.stack.url };
  if (auth && auth in ctx.cookies) headers.cookie = ctx.cookies[auth] ?? '';
  if (auth === 'apikey') headers.authorization = `Bearer ${ctx.apiKeys[0] ?? ''}`;
  if (auth === 'badkey') headers.authorization = `Bearer ${'x'.repeat(40)}`;
  const method = route.method;
  const hasBody = method !== 'GET' && method !== 'HEAD';
  let body: string | ArrayBuffer | undefined;
  if (hasBody && bodyWire) {
    const text = wireText(bodyWire);
    body = typeof text === 'string' ? text : Uint8Array.from(text).buffer;
    headers['content-type'] =
      bodyWire.kind === 'json'
        ? 'application/json'
        : (draw(
            fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
            seed + 4,
            1,
          )[0] ?? 'text/plain');
    if (seed % 37 === 0) headers['content-encoding'] = 'gzip'; // a broken gzip body
  }
  try {
    const res = await fetch(`${ctx.stack.url}${urlPath}${query}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      redirect: 'manual',
      // A server that never answers is a failure too, not a hung fuzzer.
      signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    });
    await res.arrayBuffer();
    ctx.report.statuses[res.status] = (ctx.report.statuses[res.status] ?? 0) + 1;
    if (res.status >= 500)
      fail(
        ctx,
        `rest ${res.status}`,
        `${method} ${urlPath}${query} auth=${auth ?? ''} body=${bodyWire ? describeWire(bodyWire) : ''}`,
      );
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      fail(ctx, 'rest: no answer', `${method} ${urlPath}${query} auth=${auth ?? ''}`);
      return;
    }
    // The server may refuse a connection outright (e.g. an overlong URL); it must not crash.
    ctx.report.statuses.reset = (ctx.report.statuses.reset ?? 0) + 1;
    if (!ctx.stack.server.running) fail(ctx, 'server gone', `${method} ${urlPath}: ${String(error)}`);
  }
}

type Prepared = Omit<Ctx, 'now' | 'report'>;
/**
 * Logins and the like, once per stack: logging in again between runs would
 * meet the rate limit the fuzzer's own bad logins rightly set off.
 */
const prepared = new WeakMap<Stack, Promise<Prepared>>();

async function setUp(stack: Stack, now: () => number): Promise<Ctx> {
  let base = prepared.get(stack);
  if (!base) {
    base = prepare(stack);
    prepared.set(stack, base);
  }
  return {
    ...(await base),
    now,
    report: {
      sent: { agent: 0, console: 0, rest: 0 },
      statuses: {},
      socketErrors: {},
      socketsClosedByServer: 0,
      failures: [],
      durationMs: 0,
    },
  };
}

async function prepare(stack: Stack): Promise<Prepared> {
  const dept = stack.provisioned.departments[0];
  if (!dept) throw new Error('fuzz needs a department');
  const roles: [string, string[], string[] | undefined][] = [
    ['director', ['director'], undefined],
    ['admin', ['admin'], undefined],
    ['inspector', ['inspector'], undefined],
    ['auditor', ['auditor'], undefined],
    ['head', ['head'], [dept.id]],
  ];
  const cookies: Record<string, string> = {};
  for (const [name, r, depts] of roles) {
    const password = stack.ensureUser(`fuzz-${name}`, r, depts);
    cookies[name] = await loginCookie(stack.url, `fuzz-${name}`, password);
  }
  const routesRes = await fetch(`${stack.url}/api/v1/admin/routes`, {
    headers: { cookie: cookies.admin ?? '' },
  });
  const routes = ((await routesRes.json()) as { routes: { method: string; path: string }[] }).routes.filter(
    // Logging out or revoking our own sessions would only end the fuzz run early.
    (r) => !r.path.includes('logout') && !r.path.includes('/sessions') && !/users\/:[a-z]+$/i.test(r.path),
  );
  const tokens = stack.provisioned.counters.map((c) => fs.readFileSync(c.tokenFile, 'utf8').trim());
  // Router capabilities, for valid consume requests.
  const ws = new WebSocket(`${stack.url.replace('http', 'ws')}/ws/console`, {
    headers: { cookie: cookies.director ?? '', origin: stack.url },
  });
  const rtpCapabilities = await new Promise<Json>((resolve, reject) => {
    ws.once('open', () => {
      ws.send(JSON.stringify({ kind: 'request', id: 1, name: 'hello', data: { protocolVersion: 1 } }));
      ws.send(JSON.stringify({ kind: 'request', id: 2, name: 'routerCapabilities', data: {} }));
    });
    ws.on('message', (data: Buffer) => {
      const f = JSON.parse(data.toString('utf8')) as { id?: number; data?: { rtpCapabilities?: Json } };
      if (f.id === 2) resolve(f.data?.rtpCapabilities ?? {});
    });
    ws.once('error', reject);
  });
  ws.close();
  return {
    stack,
    wsBase: stack.url.replace('http', 'ws'),
    cookies,
    routes,
    tokens,
    counterIds: stack.provisioned.counters.map((c) => c.id),
    departmentIds: stack.provisioned.departments.map((d) => d.id),
    apiKeys: stack.provisioned.departments.map((d) => d.apiKey),
    rtpCapabilities,
  };
}

/** Runs the fuzzer; resolves with what happened once every lane is done and replies have settled. */
export async function fuzz(stack: Stack, options: FuzzOptions): Promise<FuzzReport> {
  const ctx = await setUp(stack, options.now);
  const started = performance.now();
  const laneCount = options.lanes ?? 6;
  const perLane = Math.ceil(options.messages / laneCount);
  let sent = 0;
  const lanes = Array.from({ length: laneCount }, async (_, laneIndex) => {
    const agent = new SocketLane(ctx, 'agent');
    const consoleLane = new SocketLane(ctx, 'console');
    const channels = draw(
      fc.constantFrom<Channel>('agent', 'console', 'console', 'rest', 'rest'),
      options.seed * 1000 + laneIndex,
      perLane,
    );
    for (const [i, channel] of channels.entries()) {
      const seed = options.seed * 10_000_019 + laneIndex * 1_000_003 + i;
      if (channel === 'rest') {
        await restCase(ctx, seed);
        ctx.report.sent.rest += 1;
      } else {
        const lane = channel === 'agent' ? agent : consoleLane;
        const seeds = channel === 'agent' ? agentSeeds(ctx) : consoleSeeds(ctx, lane);
        const [base] = draw(fc.constantFrom(...seeds), seed, 1);
        const [wire] = draw(mutant(base ?? {}), seed + 7, 1);
        if (wire) await lane.send(wire);
        ctx.report.sent[channel] += 1;
      }
      sent += 1;
      if (sent % 1000 === 0) options.onProgress?.(sent);
      if (!stack.server.running) {
        fail(ctx, 'server gone', `after ${sent} messages`);
        break;
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    agent.close();
    consoleLane.close();
  });
  await Promise.all(lanes);
  ctx.report.durationMs = performance.now() - started;
  const log = fs.readFileSync(path.join(stack.dir, 'logs', 'server.log'), 'utf8');
  const deaths = log.split('\n').filter((l) => l.includes('"msg":"worker died"')).length;
  if (deaths > 0) fail(ctx, 'mediasoup worker died', `${deaths} time(s)`);
  return ctx.report;
}

/**
 * A director's console snapshot, logged in from another loopback address: the
 * fuzzer's bad logins rightly rate-limit 127.0.0.1, and its admin lanes may
 * have ended any session made before the run.
 */
export async function snapshotFromElsewhere(
  url: string,
  username: string,
  password: string,
): Promise<string> {
  const localAddress = '127.0.0.2';
  const body = JSON.stringify({ username, password });
  const cookie = await new Promise<string>((resolve, reject) => {
    const req = http.request(
      `${url}/api/v1/auth/login`,
      {
        method: 'POST',
        localAddress,
        headers: {
          'content-type': 'application/json',
          origin: url,
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        const set = res.headers['set-cookie']?.[0];
        if (res.statusCode === 200 && set) resolve(set.split(';')[0]!);
        else reject(new Error(`login from ${localAddress}: ${res.statusCode}`));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws/console`, {
    localAddress,
    headers: { cookie, origin: url },
  });
  try {
    return await new Promise<string>((resolve, reject) => {
      ws.once('open', () =>
        ws.send(JSON.stringify({ kind: 'request', id: 1, name: 'hello', data: { protocolVersion: 1 } })),
      );
      ws.on('message', (data: Buffer) => {
        const text = data.toString('utf8');
        if ((JSON.parse(text) as { id?: number }).id === 1) resolve(text);
      });
      ws.once('error', reject);
    });
  } finally {
    ws.close();
  }
}
