import type { Clock } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { Storage } from './Storage.js';
import { SqliteStorage } from './sqlite/SqliteStorage.js';
import { PgStorage } from './postgres/PgStorage.js';

/** A PostgreSQL connection URL, as `CW_DATABASE_URL` takes it. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/**
 * The storage the settings choose: PostgreSQL when a database URL is given
 * (`CW_DATABASE_URL=postgres://…`), else the embedded SQLite file in the data
 * directory (the default; it needs nothing installed).
 */
export async function openStorage(options: {
  dataDir: string;
  databaseUrl: string | null;
  logger: Logger;
  now: Clock;
}): Promise<Storage> {
  const { dataDir, databaseUrl, logger, now } = options;
  if (databaseUrl !== null) return PgStorage.create({ url: databaseUrl, logger, now });
  return SqliteStorage.create({ dataDir, logger, now });
}
