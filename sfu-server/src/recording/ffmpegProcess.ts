import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Logger } from '../logger.js';
import { isErrno } from './paths.js';

export type FfmpegChild = ChildProcessByStdio<null, Readable, Readable>;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Each child's 'close', captured at spawn so it can be awaited any time, even after it fired. */
const closings = new WeakMap<FfmpegChild, Promise<ExitStatus>>();

/** `setpriv --pdeathsig` makes the kernel stop ffmpeg if the server dies, even with -9 (as the agent does). */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));

/** Starts ffmpeg with an argument array (never a shell); stdout and stderr are piped. */
export function spawnFfmpeg(ffmpegPath: string, args: readonly string[]): FfmpegChild {
  const [command, argv] = SETPRIV
    ? [SETPRIV, ['--pdeathsig', 'KILL', '--', ffmpegPath, ...args]]
    : [ffmpegPath, [...args]];
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  closings.set(
    child,
    new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal }))),
  );
  return child;
}

/**
 * Sends each stderr line to the debug log and keeps the last few for the
 * exit reason. Returns a function giving that tail.
 */
export function logStderr(child: FfmpegChild, logger: Logger): () => string {
  const tail: string[] = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) {
      const text = line.trim();
      if (!text) continue;
      logger.debug({ line: text }, 'ffmpeg stderr');
      tail.push(text);
      if (tail.length > 5) tail.shift();
    }
  });
  child.once('error', (error) => {
    // spawn failed (ffmpeg missing): no 'exit' follows, but 'close' does.
    tail.push(error.message);
  });
  return () => tail.join(' | ').slice(0, 300);
}

export function exited(child: FfmpegChild): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves with the exit code and signal once the process has exited and its pipes are drained. */
export function closed(child: FfmpegChild): Promise<ExitStatus> {
  const closing = closings.get(child);
  if (!closing) throw new Error('not an ffmpeg started by spawnFfmpeg');
  return closing;
}

/**
 * SIGTERM, then SIGKILL after `killTimeoutMs`. On SIGTERM ffmpeg finishes
 * the current segment (writes its trailer and its list line) and exits —
 * but only once its next packet arrives: with the input gone it stays
 * blocked reading RTP (the SDP demuxer has no read timeout, and a second
 * signal would abort the trailer as well), so SIGKILL it is, and the
 * caller salvages the partial segment.
 */
export async function terminate(child: FfmpegChild, killTimeoutMs: number): Promise<void> {
  const done = closed(child);
  if (!exited(child)) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!exited(child)) child.kill('SIGKILL');
    }, killTimeoutMs);
    await done;
    clearTimeout(timer);
  }
  await done;
}

/**
 * Waits until process `pid` no longer has `file` open. ffmpeg's segment muxer
 * prints a segment's list line just before it closes the file (and flushes
 * its last buffered bytes), so the line alone does not mean the file is whole.
 */
export async function waitUntilClosed(pid: number, file: string, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  const fdDir = `/proc/${pid}/fd`;
  for (;;) {
    let open = false;
    try {
      for (const fd of await fsp.readdir(fdDir)) {
        let target: string;
        try {
          target = await fsp.readlink(`${fdDir}/${fd}`);
        } catch (error) {
          // The descriptor was closed between readdir and readlink: it is not our file any more.
          if (isErrno(error, 'ENOENT')) continue;
          throw error;
        }
        if (target === file) open = true;
      }
    } catch (error) {
      // The process has exited: every file it had is closed.
      if (isErrno(error, 'ENOENT') || isErrno(error, 'ESRCH')) return true;
      throw error;
    }
    if (!open) return true;
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs a short ffmpeg job (a clip) to completion; rejects with its stderr tail on failure or timeout. */
export async function runFfmpeg(
  ffmpegPath: string,
  args: readonly string[],
  options: { timeoutMs: number; logger: Logger },
): Promise<void> {
  const child = spawnFfmpeg(ffmpegPath, args);
  const tail = logStderr(child, options.logger);
  child.stdout.resume();
  const job = { timedOut: false };
  const timer = setTimeout(() => {
    job.timedOut = true;
    void terminate(child, 2_000);
  }, options.timeoutMs);
  const { code, signal } = await closed(child);
  clearTimeout(timer);
  if (job.timedOut) throw new Error(`ffmpeg timed out after ${options.timeoutMs} ms: ${tail()}`);
  if (code !== 0) throw new Error(`ffmpeg exit ${code ?? signal ?? '?'}: ${tail()}`);
}
