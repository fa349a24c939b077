import { timingSafeEqual } from 'node:crypto';
import { randomSecret } from '../auth/secrets.js';
import type { SettingsStore } from '../storage/Storage.js';

const KEY = 'cluster.node_secret';

/**
 * The secret control processes present to media nodes, kept in the database they all share (any
 * process that can read it could read everything else there too). Made by the first process that
 * needs it; read again after writing, so processes racing to make it settle on the one stored last.
 */
export async function clusterSecret(settings: SettingsStore): Promise<string> {
  const stored = await settings.get(KEY);
  if (typeof stored === 'string' && stored.length >= 32) return stored;
  await settings.set(KEY, randomSecret(32));
  const written = await settings.get(KEY);
  if (typeof written !== 'string') throw new Error('the cluster secret was not stored');
  return written;
}

/** Whether `given` is the cluster secret, compared in constant time. */
export function isClusterSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
