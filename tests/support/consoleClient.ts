import WebSocket from 'ws';
import {
  AlertSchema,
  CONSOLE_PROTOCOL_VERSION,
  CounterPatchSchema,
  DepartmentMetricsSchema,
  SnapshotSchema,
  type Alert,
  type CounterView,
  type DepartmentMetrics,
} from '@counterwatch/shared';
import { z } from 'zod';

const Notification = z.object({ kind: z.literal('notification'), name: z.string(), data: z.unknown() });
const Response = z.looseObject({ kind: z.literal('response'), id: z.number(), ok: z.boolean() });

/**
 * What a console holds, kept the way the console's store keeps it: a full
 * snapshot on every (re)connect, then counter and department patches and
 * alert changes. Reconnects by itself with capped backoff (as the console
 * does) until closed; a close with a 44xx code (session ended) is final.
 */
export class ConsoleClient {
  readonly counters = new Map<string, CounterView>();
  readonly departments = new Map<string, DepartmentMetrics>();
  readonly alerts = new Map<number, Alert>();
  /** performance.now() of each full snapshot received (each connect). */
  readonly snapshots: number[] = [];
  /** Frames the client could not read (a server sending what its own schema refuses). */
  readonly errors: string[] = [];
  /** Close codes seen, in order. */
  readonly closes: number[] = [];
  #ws: WebSocket | undefined;
  #closed = false;
  #attempt = 0;
  #nextId = 1;

  constructor(
    readonly url: string,
    readonly headers: { cookie: string; origin: string },
  ) {
    this.#connect();
  }

  get connected(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN && this.snapshots.length > 0;
  }

  /** Ended by the server for good (session revoked): no reconnect. */
  get ended(): boolean {
    return this.closes.some((code) => code >= 4400 && code < 4500);
  }

  #connect(): void {
    if (this.#closed) return;
    const ws = new WebSocket(this.url, { headers: this.headers });
    this.#ws = ws;
    ws.on('open', () => {
      ws.send(
        JSON.stringify({
          kind: 'request',
          id: this.#nextId++,
          name: 'hello',
          data: { protocolVersion: CONSOLE_PROTOCOL_VERSION },
        }),
      );
    });
    ws.on('message', (raw: Buffer) => {
      try {
        this.#onFrame(JSON.parse(raw.toString('utf8')));
      } catch (error) {
        // Kept for the test to see, never thrown into the socket's event loop.
        this.errors.push(error instanceof Error ? error.message : String(error));
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      this.closes.push(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      if (this.#ws !== ws) return;
      this.closes.push(code);
      if (this.#closed || this.ended) return;
      // Capped backoff, as the console's socket client.
      const delay = Math.min(2_000, 100 * 2 ** this.#attempt++);
      setTimeout(() => this.#connect(), delay);
    });
  }

  #onFrame(frame: unknown): void {
    const response = Response.safeParse(frame);
    if (response.success) {
      if (response.data.ok) this.#snapshot((response.data as { data?: unknown }).data);
      return;
    }
    const note = Notification.safeParse(frame);
    if (!note.success) return;
    const { name, data } = note.data;
    if (name === 'snapshot') this.#snapshot(data);
    if (name === 'countersPatch') {
      for (const patch of z.object({ counters: z.array(CounterPatchSchema) }).parse(data).counters) {
        const counter = this.counters.get(patch.id);
        if (!counter) continue;
        this.counters.set(patch.id, {
          ...counter,
          ...(patch.queue ? { queue: patch.queue } : {}),
          ...(patch.media ? { media: patch.media } : {}),
        });
      }
    }
    if (name === 'departmentsPatch') {
      for (const d of z.object({ departments: z.array(DepartmentMetricsSchema) }).parse(data).departments)
        this.departments.set(d.departmentId, d);
    }
    if (name === 'alertsChanged') {
      for (const alert of z.object({ alerts: z.array(AlertSchema) }).parse(data).alerts) {
        if (alert.state === 'resolved') this.alerts.delete(alert.id);
        else this.alerts.set(alert.id, alert);
      }
    }
  }

  #snapshot(data: unknown): void {
    const parsed = SnapshotSchema.safeParse(data);
    if (!parsed.success) return;
    const snapshot = parsed.data;
    this.counters.clear();
    for (const c of snapshot.counters) this.counters.set(c.id, c);
    this.departments.clear();
    for (const d of snapshot.departmentMetrics) this.departments.set(d.departmentId, d);
    this.alerts.clear();
    for (const a of snapshot.alerts) this.alerts.set(a.id, a);
    this.#attempt = 0;
    this.snapshots.push(performance.now());
  }

  close(): void {
    this.#closed = true;
    this.#ws?.close();
  }
}
