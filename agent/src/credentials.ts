import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { CounterIdSchema, DepartmentIdSchema } from '@counterwatch/shared';

/**
 * What `counterwatch-agent enroll` got for this PC: the server, the counter
 * and its agent token. Kept in one file readable by its owner only (0600, in
 * a 0700 folder), so nobody copies tokens by hand.
 */
export const CredentialsSchema = z.object({
  server: z.url(),
  counterId: CounterIdSchema,
  departmentId: DepartmentIdSchema,
  token: z.string().min(16),
  enrolledAt: z.string(),
});
export type Credentials = z.infer<typeof CredentialsSchema>;

/** `$XDG_CONFIG_HOME/counterwatch-agent/credentials.json` (default `~/.config/…`). */
export function defaultCredentialsFile(env: Record<string, string | undefined> = process.env): string {
  const configHome = env.XDG_CONFIG_HOME ?? path.join(env.HOME ?? os.homedir(), '.config');
  return path.join(configHome, 'counterwatch-agent', 'credentials.json');
}

/** Writes the file atomically (a private temporary file renamed over it), mode 0600. */
export function writeCredentials(file: string, credentials: Credentials): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  fs.rmSync(temporary, { force: true });
  const fd = fs.openSync(temporary, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, `${JSON.stringify(credentials, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(temporary, 0o600); // whatever the umask
  fs.renameSync(temporary, file);
}

/** The credentials, and a warning if others than the owner may read them. */
export function readCredentials(file: string): { credentials: Credentials; warning: string | null } {
  const text = fs.readFileSync(file, 'utf8');
  const parsed = CredentialsSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(`${file}: not a credentials file written by "counterwatch-agent enroll"`);
  const mode = fs.statSync(file).mode & 0o777;
  const warning =
    (mode & 0o077) !== 0
      ? `${file} is readable by others (mode ${mode.toString(8)}): chmod 600 it, or enroll again`
      : null;
  return { credentials: parsed.data, warning };
}
