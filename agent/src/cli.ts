#!/usr/bin/env node
import { pino } from 'pino';
import { clockOffsetFromEnv, offsetClock, setListenerErrorHandler } from '@counterwatch/shared';
import { AgentConfigError, loadAgentConfig } from './config.js';
import { EnrollRefused, enroll, parseEnrollArgs } from './enroll.js';
import { CounterAgent } from './CounterAgent.js';
import { SourceError } from './media/sources.js';

/** `counterwatch-agent enroll …`: the console's one-time code for this counter's credentials. */
async function enrollCommand(argv: string[]): Promise<void> {
  let options;
  try {
    options = parseEnrollArgs(argv);
  } catch (error) {
    if (error instanceof AgentConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(64); // EX_USAGE
    }
    throw error;
  }
  try {
    const enrolled = await enroll(options, offsetClock(clockOffsetFromEnv(process.env)));
    // Never the token: only where it is.
    process.stdout.write(
      `counterwatch-agent: enrolled as counter ${enrolled.counterId} (${enrolled.departmentId}); credentials in ${options.credentialsFile}\n`,
    );
  } catch (error) {
    if (error instanceof EnrollRefused) {
      process.stderr.write(`enrolment refused (${error.status}): ${error.message}\n`);
      process.exit(error.status === 429 ? 75 : 77); // EX_TEMPFAIL, EX_NOPERM
    }
    process.stderr.write(`enrolment failed: ${(error as Error).message}\n`);
    process.exit(69); // EX_UNAVAILABLE
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === 'enroll') {
    await enrollCommand(process.argv.slice(3));
    return;
  }
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
