import fs from 'node:fs/promises';
import path from 'node:path';

/** Day folders hold one local calendar day of a counter's segments. */
export const DAY_FOLDER = /^\d{4}-\d{2}-\d{2}$/;

export type Container = 'webm' | 'mkv';

export const CONTAINER_EXTENSIONS: readonly Container[] = ['webm', 'mkv'];

/** The media type a clip or segment of each container is served as. */
export const CONTAINER_CONTENT_TYPE: Record<Container, string> = {
  webm: 'video/webm',
  mkv: 'video/x-matroska',
};

/** Whether a stored container name is one the recorder writes (rows are checked before they name files). */
export const isContainer = (value: string): value is Container =>
  CONTAINER_EXTENSIONS.some((c) => c === value);

/** Whether `candidate` (absolute, normalised) lies strictly below `root`. */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * The absolute path of a stored (relative) path, or null when it would leave
 * `root` — lexically or through a symlinked folder. `root` must be a real path.
 * A missing folder is not an error here: the caller finds the file missing.
 */
export async function resolveInside(root: string, relative: string): Promise<string | null> {
  if (relative.length === 0 || path.isAbsolute(relative) || relative.includes('\0')) return null;
  const absolute = path.resolve(root, relative);
  if (!isInside(root, absolute)) return null;
  let folder: string;
  try {
    folder = await fs.realpath(path.dirname(absolute));
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return absolute;
    throw error;
  }
  if (folder !== root && !isInside(root, folder)) return null;
  return path.join(folder, path.basename(absolute));
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `YYYY-MM-DD` in the server's local time zone: what an operator browsing the folders expects. */
export function dayFolderName(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `HHMMSS` in local time, for file names that sort by time within a day. */
export function timeOfDay(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

/** `<counterId>/<YYYY-MM-DD>/<HHMMSS>-<runId>-<seq>.<ext>`, relative to the recordings root. */
export function segmentRelativePath(
  counterId: string,
  startedAt: number,
  runId: string,
  seq: number,
  container: Container,
): string {
  return path.join(
    counterId,
    dayFolderName(startedAt),
    `${timeOfDay(startedAt)}-${runId}-${pad(seq, 6)}.${container}`,
  );
}

/** Where one ffmpeg run writes before its segments are filed: `<root>/<counterId>/.incoming/<runId>`. */
export function stagingFolder(root: string, counterId: string, runId: string): string {
  return path.join(root, counterId, '.incoming', runId);
}

export function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
