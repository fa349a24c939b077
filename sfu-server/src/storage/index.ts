export * from './Storage.js';
export { SqliteStorage } from './sqlite/SqliteStorage.js';
export { PgStorage } from './postgres/PgStorage.js';
export { MIGRATIONS } from './sqlite/migrations.js';
export { PG_MIGRATIONS } from './postgres/migrations.js';
export { openStorage, isPostgresUrl } from './open.js';
