#!/usr/bin/env node
import { ConfigError, loadConfig } from './config.js';
import { createRootLogger } from './logger.js';

/**
 * Entry point: configuration first (a bad setting stops here with its name),
 * then the server, then signal handling for one clean shutdown.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  // mediasoup reads MEDIASOUP_WORKER_BIN when it is first imported, so the server is imported after config.
  if (config.media.workerBin) process.env.MEDIASOUP_WORKER_BIN = config.media.workerBin;
  const logger = createRootLogger(config.logLevel);
  const { CounterWatchServer } = await import('./server.js');
  const server = await CounterWatchServer.create(config, logger);
  const address = await server.listen();
  process.stdout.write(`CounterWatch server listening on ${address.address}:${address.port}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
