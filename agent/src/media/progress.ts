/**
 * Parses ffmpeg's `-progress` output: blocks of `key=value` lines, each
 * block ending with `progress=continue` (or `end`).
 */
export interface ProgressReport {
  frame: number | null;
  fps: number | null;
  /** Output bytes so far, when ffmpeg knows it. */
  totalSize: number | null;
  /** Output time in ms. */
  outTimeMs: number | null;
  speed: number | null;
  ended: boolean;
}

export class ProgressParser {
  #buffer = '';
  #block = new Map<string, string>();

  /** Feeds a chunk of stdout; returns every complete report in it. */
  push(chunk: string): ProgressReport[] {
    this.#buffer += chunk;
    const reports: ProgressReport[] = [];
    let newline = this.#buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.#buffer.slice(0, newline).trim();
      this.#buffer = this.#buffer.slice(newline + 1);
      const eq = line.indexOf('=');
      if (eq > 0) {
        const key = line.slice(0, eq);
        const value = line.slice(eq + 1);
        if (key === 'progress') {
          reports.push(this.#report(value === 'end'));
          this.#block = new Map();
        } else {
          this.#block.set(key, value);
        }
      }
      newline = this.#buffer.indexOf('\n');
    }
    // A runaway line without newline must not grow forever.
    if (this.#buffer.length > 4096) this.#buffer = '';
    return reports;
  }

  #report(ended: boolean): ProgressReport {
    const num = (key: string): number | null => {
      const raw = this.#block.get(key);
      if (raw === undefined) return null;
      const value = Number.parseFloat(raw.replace(/x$/, ''));
      return Number.isFinite(value) ? value : null;
    };
    const outTimeUs = num('out_time_us') ?? num('out_time_ms'); // ffmpeg's out_time_ms is in µs too
    return {
      frame: num('frame'),
      fps: num('fps'),
      totalSize: num('total_size'),
      outTimeMs: outTimeUs === null ? null : outTimeUs / 1000,
      speed: num('speed'),
      ended,
    };
  }
}
