#!/usr/bin/env node
import { pino } from 'pino';
import { setListenerErrorHandler } from '@counterwatch/shared';
import { AgentConfigError, loadAgentConfig } from './config.js';
import { CounterAgent } from './CounterAgent.js';
import { SourceError } from './media/sources.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadAgentConfig(process.argv.slice(2));
  } catch (error) {
    if (error instanceof AgentConfigError || error instanceof SourceError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(64); // EX_USAGE
    }
    throw error;
  }
  const logger = pino({
    level: config.logLevel,
    base: { service: 'agent' },
    redact: {
      paths: ['token', '*.token', 'keys', '*.keys', 'key', '*.key', 'sfuKey', '*.sfuKey'],
      censor: '[redacted]',
    },
  });
  setListenerErrorHandler((error, event) => logger.error({ err: error, event }, 'event listener threw'));
  for (const warning of config.warnings) logger.warn(warning);

  const agent = new CounterAgent(config, logger);
  const { eventsPort } = await agent.start();
  process.stdout.write(
    `counterwatch-agent ${config.counterId}: events on http://127.0.0.1:${eventsPort}/events\n`,
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    agent.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
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
