#!/usr/bin/env node
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { setListenerErrorHandler } from '@counterwatch/shared';
import { LoadPublisher, type LoadCounter } from './LoadPublisher.js';

/**
 * counterwatch-load-publisher --server URL --counters FILE [--processes N] [--ffmpeg PATH] [--log-level L]
 *
 * FILE is JSON: [{ "counterId": "...", "tokenFile": "..." }, ...]; tokens are
 * read from their files, never taken on the command line.
 *
 * SRTP-protecting every counter's copy is the publisher's whole cost, and one
 * event loop that is busy with it answers its counters' connections late
 * (at about 400 counters the server took them for gone). So the counters are
 * split over N processes (default: one per COUNTERS_PER_PROCESS): this one runs
 * the encoder and relays its packets, unprotected, to the others (forked, the
 * counters and tokens over the IPC channel); each protects and sends its own.
 */
const COUNTERS_PER_PROCESS = 150;

const CountersFile = z
  .array(z.object({ counterId: z.string().min(1).max(64), tokenFile: z.string().min(1) }))
  .min(1)
  .max(5000);

const Ports = z.object({
  grid: z.number().int().min(1).max(65535),
  focus: z.number().int().min(1).max(65535),
  audio: z.number().int().min(1).max(65535),
});
/** Parent → shard. */
const ToShard = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('counters'),
    counters: z.array(z.object({ counterId: z.string().min(1).max(64), token: z.string().min(1) })).min(1),
    helloConcurrency: z.number().int().min(1).max(64),
  }),
  z.object({ type: z.literal('start') }),
]);
/** Shard → parent. */
const FromShard = z.object({ type: z.literal('ports'), ports: Ports });

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function createLogger(args: string[]): Logger {
  const logger = pino({
    level: option(args, '--log-level') ?? 'info',
    base: { service: 'load-publisher', pid: process.pid },
    redact: { paths: ['token', '*.token', 'keys', '*.keys', 'key', '*.key'], censor: '[redacted]' },
  });
  setListenerErrorHandler((error, event) => logger.error({ err: error, event }, 'event listener threw'));
  return logger;
}

/** `count` slices of near-equal size, in order. */
function split<T>(items: readonly T[], count: number): T[][] {
  const slices: T[][] = [];
  const size = Math.ceil(items.length / count);
  for (let i = 0; i < items.length; i += size) slices.push(items.slice(i, i + size));
  return slices;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--shard')) return shard(args);
  const server = option(args, '--server');
  const countersFile = option(args, '--counters');
  if (!server || !countersFile) {
    process.stderr.write('usage: counterwatch-load-publisher --server URL --counters FILE [--processes N]\n');
    process.exit(64);
  }
  let serverUrl: URL;
  let counters: z.infer<typeof CountersFile>;
  let processes: number;
  try {
    serverUrl = new URL(server);
    counters = CountersFile.parse(JSON.parse(fs.readFileSync(countersFile, 'utf8')));
    const asked = option(args, '--processes');
    processes = asked
      ? z.coerce.number().int().min(1).max(64).parse(asked)
      : Math.ceil(counters.length / COUNTERS_PER_PROCESS);
    processes = Math.min(processes, counters.length);
  } catch (error) {
    process.stderr.write(
      `load publisher settings: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(64);
  }
  const logger = createLogger(args);
  const withTokens: LoadCounter[] = counters.map((c) => ({
    counterId: c.counterId,
    token: fs.readFileSync(c.tokenFile, 'utf8').trim(),
  }));
  const [own = [], ...others] = split(withTokens, processes);
  // The server's patience for hellos is shared: eight in flight in all, as from one process.
  const helloConcurrency = Math.max(2, Math.ceil(8 / processes));
  const publisher = await LoadPublisher.create({
    serverUrl,
    counters: own,
    logger,
    helloConcurrency,
    ...(option(args, '--ffmpeg') ? { ffmpegPath: option(args, '--ffmpeg') } : {}),
  });

  let stopping = false;
  const shards: ChildProcess[] = [];
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const exited = shards.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            resolve();
            return;
          }
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    );
    Promise.all([publisher.close(), ...exited]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop());
  process.on('SIGTERM', () => stop());

  const log = option(args, '--log-level');
  for (const slice of others) {
    const child = fork(
      fileURLToPath(import.meta.url),
      ['--server', serverUrl.href, '--shard', ...(log ? ['--log-level', log] : [])],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    shards.push(child);
    child.once('exit', (code, signal) => {
      if (!stopping) logger.error({ code, signal, counters: slice.length }, 'load publisher shard exited');
    });
    const ports = await new Promise<z.infer<typeof Ports>>((resolve, reject) => {
      child.once('message', (message) => {
        const parsed = FromShard.safeParse(message);
        if (parsed.success) resolve(parsed.data.ports);
        else reject(new Error('a load publisher shard answered nonsense'));
      });
      child.once('exit', () => reject(new Error('a load publisher shard exited before starting')));
      child.send({ type: 'counters', counters: slice, helloConcurrency });
    });
    publisher.addRelay(ports);
  }
  process.stdout.write(
    `counterwatch-load-publisher: ${counters.length} counters in ${1 + others.length} processes\n`,
  );
  for (const child of shards) child.send({ type: 'start' });
  await publisher.start();
}

/** A forked shard: its counters come over IPC, the encoder's packets from the parent's relay. */
async function shard(args: string[]): Promise<void> {
  const server = option(args, '--server');
  if (!server || !process.send) {
    process.stderr.write('a load publisher shard is started by the load publisher\n');
    process.exit(64);
  }
  const logger = createLogger(args);
  let publisher: LoadPublisher | undefined;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    (publisher?.close() ?? Promise.resolve()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // The parent gone (even killed): nothing feeds this shard any more.
  process.on('disconnect', stop);
  process.on('message', (message) => {
    const parsed = ToShard.safeParse(message);
    if (!parsed.success) {
      logger.error('nonsense from the load publisher');
      return;
    }
    if (parsed.data.type === 'start') {
      void publisher?.start();
      return;
    }
    if (publisher) return;
    const { counters, helloConcurrency } = parsed.data;
    void LoadPublisher.create({
      serverUrl: new URL(server),
      counters,
      logger,
      encoder: 'external',
      helloConcurrency,
    }).then(
      (created) => {
        publisher = created;
        process.send?.({ type: 'ports', ports: created.inputPorts() });
      },
      (error: unknown) => {
        logger.error({ err: error }, 'load publisher shard failed to start');
        process.exit(1);
      },
    );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
