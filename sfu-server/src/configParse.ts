import fs from 'node:fs';
import proxyAddr from 'proxy-addr';
import { z } from 'zod';
import { RenditionSpecSchema, type RenditionName, type RenditionSpec } from '@counterwatch/shared';

/** How the server's settings are read and checked, one setting at a time (`loadConfig` puts them together). */

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`configuration: ${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export function read(env: Env, name: string): string | undefined {
  const direct = env[name];
  if (direct !== undefined && direct !== '') return direct;
  // NAME_FILE lets secrets and long values come from files (Docker secrets, systemd credentials).
  const file = env[`${name}_FILE`];
  if (file) {
    try {
      return fs.readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`${name}_FILE`, `cannot read ${file}: ${(error as Error).message}`);
    }
  }
  return undefined;
}

export function required(env: Env, name: string, hint: string): string {
  const value = read(env, name);
  if (value === undefined) throw new ConfigError(name, `is required (${hint})`);
  return value;
}

export function parse<S extends z.ZodType>(name: string, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ConfigError(name, result.error.issues.map((i) => i.message).join('; '));
  }
  return result.data;
}

export const Port = z.coerce.number().int().min(1).max(65535);
export const Bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => ['true', '1', 'yes'].includes(v));
export const Ip = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });

/** `WIDTHxHEIGHT@FPS:KBPS`, e.g. `320x180@15:150`. */
export function parseRendition(name: RenditionName, setting: string, value: string): RenditionSpec {
  const m = /^(\d+)x(\d+)@(\d+):(\d+)$/.exec(value);
  if (!m)
    throw new ConfigError(
      setting,
      `must look like 320x180@15:150 (width x height @ fps : kbps), got "${value}"`,
    );
  return parse(setting, RenditionSpecSchema, {
    name,
    width: Number(m[1]),
    height: Number(m[2]),
    fps: Number(m[3]),
    bitrateKbps: Number(m[4]),
  });
}

/** 0.0.0.0, ::, ::0, 0:0:0:0:0:0:0:0 … — any spelling of "every address". */
export function isWildcard(ip: string): boolean {
  if (ip === '0.0.0.0') return true;
  return ip.includes(':') && ip.replace(/[:0]/g, '') === '';
}

/** `CW_TRUST_PROXY`: off, or a comma-separated list proxy-addr understands (checked here, not at the first request). */
export function parseTrustProxy(value: string | undefined): string[] {
  const text = (value ?? '').trim();
  if (text === '' || ['false', 'off', 'no', 'none', '0'].includes(text.toLowerCase())) return [];
  const list = text
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  for (const item of list) {
    try {
      proxyAddr.compile(item);
    } catch {
      throw new ConfigError(
        'CW_TRUST_PROXY',
        `"${item}" is not loopback, linklocal, uniquelocal, an IP address or a subnet (e.g. 10.0.0.0/8)`,
      );
    }
  }
  return list;
}

/** "30000-31999": at least 16 ports, recorders take two per stream. */
export function parsePortRange(setting: string, value: string): { min: number; max: number } {
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(value.trim());
  const min = Number(match?.[1]);
  const max = Number(match?.[2]);
  if (!match || min < 1024 || max > 65535 || max - min < 15) {
    throw new ConfigError(
      setting,
      `"${value}" is not a range like 30000-31999 of at least 16 ports within 1024–65535`,
    );
  }
  return { min, max };
}

/** `CW_DATABASE_URL`: unset or empty keeps the embedded SQLite; otherwise a PostgreSQL URL. */
export function parseDatabaseUrl(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  if (!/^postgres(ql)?:\/\//.test(raw))
    throw new ConfigError(
      'CW_DATABASE_URL',
      'must be a postgres:// (or postgresql://) URL, or unset for SQLite',
    );
  return raw;
}
