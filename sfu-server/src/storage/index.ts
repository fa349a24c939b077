export * from './Storage.js';
export { SqliteStorage } from './sqlite/SqliteStorage.js';
