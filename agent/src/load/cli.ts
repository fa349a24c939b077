#!/usr/bin/env node
import fs from 'node:fs';
import { pino } from 'pino';
import { z } from 'zod';
import { setListenerErrorHandler } from '@counterwatch/shared';
import { LoadPublisher } from './LoadPublisher.js';

/**
 * counterwatch-load-publisher --server URL --counters FILE [--ffmpeg PATH] [--log-level L]
 *
 * FILE is JSON: [{ "counterId": "...", "tokenFile": "..." }, ...]; tokens are
 * read from their files, never taken on the command line.
 */
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
  const server = option(args, '--server');
  const countersFile = option(args, '--counters');
  if (!server || !countersFile) {
    process.stderr.write('usage: counterwatch-load-publisher --server URL --counters FILE\n');
    process.exit(64);
  }
  let serverUrl: URL;
  let counters: z.infer<typeof CountersFile>;
  try {
    serverUrl = new URL(server);
    counters = CountersFile.parse(JSON.parse(fs.readFileSync(countersFile, 'utf8')));
  } catch (error) {
    process.stderr.write(
      `load publisher settings: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(64);
  }
  const logger = pino({
    level: option(args, '--log-level') ?? 'info',
    base: { service: 'load-publisher' },
    redact: { paths: ['token', '*.token', 'keys', '*.keys', 'key', '*.key'], censor: '[redacted]' },
  });
  setListenerErrorHandler((error, event) => logger.error({ err: error, event }, 'event listener threw'));
  const publisher = await LoadPublisher.create({
    serverUrl,
    counters: counters.map((c) => ({
      counterId: c.counterId,
      token: fs.readFileSync(c.tokenFile, 'utf8').trim(),
    })),
    logger,
    ...(option(args, '--ffmpeg') ? { ffmpegPath: option(args, '--ffmpeg') } : {}),
  });
  process.stdout.write(`counterwatch-load-publisher: ${counters.length} counters\n`);
  await publisher.start();
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
}

main().catch((error: unknown) => {
  process.stderr.write(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
