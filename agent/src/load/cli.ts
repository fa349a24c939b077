#!/usr/bin/env node
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { z } from 'zod';
import { setListenerErrorHandler } from '@counterwatch/shared';
import { LoadPublisher } from './LoadPublisher.js';
import { ShardedFanout, runRelayShard } from './ShardedFanout.js';

/**
 * counterwatch-load-publisher --server URL --counters FILE [--processes N] [--ffmpeg PATH] [--log-level L]
 *
 * FILE is JSON: [{ "counterId": "...", "tokenFile": "..." }, ...]; tokens are
 * read from their files, never taken on the command line.
 *
 * SRTP-protecting every counter's copy is the publisher's whole cost, and one
 * event loop busy with it answered its counters' connections late (at about
 * 400 counters the server took them for gone). So past COUNTERS_PER_PROCESS
 * counters the relay runs in N forked shards (default one per
 * COUNTERS_PER_PROCESS) and this process keeps the connections and the
 * encoder. The shards run at a lower priority: on a machine the server
 * shares, the server under test gets the CPU first and the relay what is left
 * (fewer packets, which the benchmarks report), rather than the relay
 * starving the server's mediasoup worker until its answers time out.
 */
const COUNTERS_PER_PROCESS = 150;
const SHARD_NICE = 10;

const CountersFile = z
  .array(z.object({ counterId: z.string().min(1).max(64), tokenFile: z.string().min(1) }))
  .min(1)
  .max(5000);

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--relay-shard')) {
    try {
      os.setPriority(SHARD_NICE);
    } catch {
      // not allowed here: the shard runs at the publisher's priority
    }
    await runRelayShard();
    return;
  }
  const server = option(args, '--server');
  const countersFile = option(args, '--counters');
  if (!server || !countersFile) {
    process.stderr.write('usage: counterwatch-load-publisher --server URL --counters FILE [--processes N]\n');
    process.exit(64);
  }
  let serverUrl: URL;
  let counters: z.infer<typeof CountersFile>;
  let shards: number;
  try {
    serverUrl = new URL(server);
    counters = CountersFile.parse(JSON.parse(fs.readFileSync(countersFile, 'utf8')));
    const asked = option(args, '--processes');
    shards = asked
      ? z.coerce.number().int().min(1).max(64).parse(asked)
      : Math.ceil(counters.length / COUNTERS_PER_PROCESS);
  } catch (error) {
    process.stderr.write(
      `load publisher settings: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(64);
  }
  const logger = pino({
    level: option(args, '--log-level') ?? 'info',
    base: { service: 'load-publisher', pid: process.pid },
    redact: { paths: ['token', '*.token', 'keys', '*.keys', 'key', '*.key'], censor: '[redacted]' },
  });
  setListenerErrorHandler((error, event) => logger.error({ err: error, event }, 'event listener threw'));
  // One process: the relay in it, as before. More: the relay in that many shards.
  const fanout =
    shards > 1
      ? await ShardedFanout.create(shards, () =>
          fork(fileURLToPath(import.meta.url), ['--relay-shard'], {
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          }),
        )
      : undefined;
  const publisher = await LoadPublisher.create({
    serverUrl,
    counters: counters.map((c) => ({
      counterId: c.counterId,
      token: fs.readFileSync(c.tokenFile, 'utf8').trim(),
    })),
    logger,
    ...(fanout ? { fanout } : {}),
    ...(option(args, '--ffmpeg') ? { ffmpegPath: option(args, '--ffmpeg') } : {}),
  });
  process.stdout.write(
    `counterwatch-load-publisher: ${counters.length} counters${shards > 1 ? `, relay in ${shards} processes` : ''}\n`,
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    publisher.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await publisher.start();
}

main().catch((error: unknown) => {
  process.stderr.write(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
