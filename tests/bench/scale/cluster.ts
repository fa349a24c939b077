/**
 * bench:scale's test bed: a private PostgreSQL cluster, one control process
 * (CW_ROLE=control, the stack's own server) and media nodes started beside it
 * as `Stack.startPeer` starts them, each with a port block of its own sized for
 * the counters it may carry; plus the /proc readings the parts share.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ALL_DAY, Stack, type ManagedProcess } from '@counterwatch/demo';
import { loginCookie } from '../../support/http.js';
import { startPostgres, type PgCluster } from '../../support/postgres.js';
import { overview } from '../../support/queue.js';
import { commOf, cpuReading, descendants } from '../stats.js';

export { commOf, cpuReading, descendants };

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counters one node's port block holds (10 RTC ports each below its recorder ports). */
const BLOCK_COUNTERS = 180;
/**
 * Media node i's ports: 10000 + 3000 i … below the WebRTC ports (20000–30000) the stacks pick and
 * the kernel's ephemeral range, so a restarted node gets the same ports back and nothing races it.
 */
function nodePorts(index: number): NodeJS.ProcessEnv {
  const base = 10000 + 3000 * index;
  return {
    CW_WEBRTC_PORT: String(base),
    CW_RTC_MIN_PORT: String(base + 10),
    CW_RTC_MAX_PORT: String(base + 10 + 10 * BLOCK_COUNTERS),
    CW_RECORDER_PORTS: `${base + 2000}-${base + 2999}`,
  };
}

export interface MediaNode {
  name: string;
  server: ManagedProcess;
  url: string;
  cookie: string;
}

export class ScaleCluster {
  readonly stack: Stack;
  readonly nodes = new Map<string, MediaNode>();
  readonly #pg: PgCluster;
  readonly #parent: string;
  readonly #password: string;
  readonly #nodeEnv = new Map<string, NodeJS.ProcessEnv>();
  readonly cookie: string;

  private constructor(stack: Stack, pg: PgCluster, parent: string, password: string, cookie: string) {
    this.stack = stack;
    this.#pg = pg;
    this.#parent = parent;
    this.#password = password;
    this.cookie = cookie;
  }

  /** A control process over `counters` counters (a province's layout when more than 16). */
  static async create(name: string, counters: number): Promise<ScaleCluster> {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), `cw-bench-scale-${name}-`));
    const pg = await startPostgres();
    try {
      const databaseUrl = await pg.createDatabase('counterwatch');
      // A few counters: two departments (two routers, two pipes) when they split evenly.
      const departments = counters % 2 === 0 ? 2 : 1;
      const layout =
        counters > 16
          ? { province: counters }
          : { departments, countersPerDepartment: counters / departments };
      const stack = await Stack.create({
        dir: path.join(parent, 'stack'),
        ...layout,
        logLevel: 'warn',
        openingHours: ALL_DAY,
        // The control process records nothing (its nodes do); bench:wall's renditions.
        serverEnv: {
          CW_DATABASE_URL: databaseUrl,
          CW_ROLE: 'control',
          CW_RECORDING: 'false',
          CW_GRID_RENDITION: '320x180@15:150',
          CW_FOCUS_RENDITION: '640x360@20:500',
        },
      });
      const password = stack.createUser('bench', ['director']);
      const cookie = await loginCookie(stack.url, 'bench', password);
      return new ScaleCluster(stack, pg, parent, password, cookie);
    } catch (error) {
      await pg.stop();
      throw error;
    }
  }

  get password(): string {
    return this.#password;
  }

  get counterIds(): string[] {
    return this.stack.provisioned.counters.map((c) => c.id);
  }

  /** Starts (or restarts, same name and ports) media node `index`. */
  async startNode(index: number, env: NodeJS.ProcessEnv = {}): Promise<MediaNode> {
    const name = `m${index + 1}`;
    const merged = { ...(this.#nodeEnv.get(name) ?? {}), ...env };
    this.#nodeEnv.set(name, merged);
    const peer = await this.stack.startPeer(name, {
      CW_ROLE: 'media',
      CW_NODE_NAME: name,
      CW_NODE_CAPACITY: '1000',
      ...nodePorts(index),
      ...merged,
    });
    const cookie = await loginCookie(peer.url, 'bench', this.#password);
    const node = { name, ...peer, cookie };
    this.nodes.set(name, node);
    return node;
  }

  node(name: string): MediaNode {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`no media node ${name}`);
    return node;
  }

  /** Counters online as a process's own overview has them ('control', or a node: those publishing on it). */
  async onlineAt(where: string): Promise<Set<string>> {
    const { url, cookie } =
      where === 'control' ? { url: this.stack.url, cookie: this.cookie } : this.node(where);
    const o = await overview(url, cookie);
    return new Set(
      o.departments
        .flatMap((d) => d.counters)
        .filter((c) => c.status === 'online')
        .map((c) => c.id),
    );
  }

  /** Waits until `count` counters are online at `where`; the seconds it took, or null at the limit. */
  async waitOnline(where: string, count: number, limitMs: number): Promise<number | null> {
    const started = Date.now();
    let last = 0;
    while (Date.now() - started < limitMs) {
      const online = await this.onlineAt(where).catch(() => new Set<string>());
      if (online.size >= count) return (Date.now() - started) / 1000;
      if (Date.now() - last > 15_000) {
        last = Date.now();
        log(`  ${Math.round((Date.now() - started) / 1000)} s: ${online.size}/${count} online on ${where}`);
      }
      await sleep(500);
    }
    return null;
  }

  /** Whether the node list names this node alive. */
  nodeAlive(name: string): boolean {
    return this.stack
      .admin('node', 'list')
      .split('\n')
      .some((line) => line.startsWith(`${name}\talive`));
  }

  async stop(): Promise<void> {
    try {
      await this.stack.stop();
    } finally {
      await this.#pg.stop();
      if (!process.env.KEEP_TEST_DIRS) fs.rmSync(this.#parent, { recursive: true, force: true });
    }
  }
}

/** A server process and what runs below it, grouped: node, mediasoup workers, ffmpeg (recorders). */
export function processTree(pid: number): Record<'node' | 'workers' | 'ffmpeg', number[]> {
  const below = descendants(pid);
  return {
    node: [pid],
    workers: below.filter((p) => commOf(p).startsWith('mediasoup')),
    ffmpeg: below.filter((p) => commOf(p) === 'ffmpeg'),
  };
}

/** CPU of groups over a window of `ms`. */
export async function measureCpu<K extends string>(
  groups: Record<K, number[]>,
  ms: number,
): Promise<{ cores: Record<K, number>; machineCores: number; seconds: number }> {
  const reading = cpuReading(groups);
  await sleep(ms);
  return reading.end();
}

export const pct = (cores: number, digits = 1) => `${(cores * 100).toFixed(digits)} %`;
