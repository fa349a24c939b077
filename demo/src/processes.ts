import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Entry points of the other workspaces, resolved through the package exports. */
export const SERVER_MAIN = fileURLToPath(import.meta.resolve('@counterwatch/sfu-server'));
export const SERVER_ADMIN = fileURLToPath(import.meta.resolve('@counterwatch/sfu-server/admin'));
export const AGENT_CLI = fileURLToPath(import.meta.resolve('@counterwatch/agent/cli'));
export const LOAD_PUBLISHER_CLI = fileURLToPath(import.meta.resolve('@counterwatch/agent/load-cli'));

/**
 * A child Node process whose output goes to a log file, with a way to wait
 * for a line and to stop it (SIGTERM, then SIGKILL).
 */
export class ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly #lines: string[] = [];
  readonly #waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    name: string,
    script: string,
    args: string[],
    options: { env: NodeJS.ProcessEnv; logFile: string },
  ) {
    this.name = name;
    const log = fs.openSync(options.logFile, 'a');
    this.child = spawn(process.execPath, [script, ...args], {
      env: options.env,
      stdio: ['ignore', 'pipe', log],
    });
    fs.closeSync(log);
    this.child.stdout?.setEncoding('utf8');
    let partial = '';
    this.child.stdout?.on('data', (chunk: string) => {
      fs.appendFileSync(options.logFile, chunk);
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.#onLine(line);
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first stdout line matching `pattern` (past or future). */
  waitForLine(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    for (const line of this.#lines) {
      const m = line.match(pattern);
      if (m) return Promise.resolve(m);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.name}: no line matching ${pattern} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const waiter = {
        pattern,
        resolve: (m: RegExpMatchArray) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      this.#waiters.push(waiter);
      void this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${code ?? signal}) before printing ${pattern}`));
      });
    });
  }

  /** Stops the process: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 8_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child.kill(signal);
  }

  #onLine(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > 200) this.#lines.shift();
    for (const w of [...this.#waiters]) {
      const m = line.match(w.pattern);
      if (m) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  }
}

export class AdminError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

/** Exit code of `counterwatch-admin user add` when the username is taken. */
export const ADMIN_EXIT_EXISTS = 3;

/** Runs the server's admin command; returns its stdout (a generated password or token). */
export function runAdmin(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(process.execPath, [SERVER_ADMIN, ...args], { encoding: 'utf8', env });
  if (result.status !== 0) {
    throw new AdminError(
      `counterwatch-admin ${args.slice(0, 2).join(' ')}: ${result.stderr.trim()}`,
      result.status,
    );
  }
  return result.stdout.trim();
}
