import { describe, expect, it } from 'vitest';
import { ProgressParser } from './progress.js';

const BLOCK = [
  'frame=250',
  'fps=25.03',
  'stream_0_0_q=-0.0',
  'bitrate=N/A',
  'total_size=1048576',
  'out_time_us=10000000',
  'out_time_ms=10000000',
  'out_time=00:00:10.000000',
  'dup_frames=0',
  'drop_frames=0',
  'speed=1.01x',
  'progress=continue',
  '',
].join('\n');

describe('ProgressParser', () => {
  it('parses one block into a report', () => {
    expect(new ProgressParser().push(BLOCK)).toEqual([
      { frame: 250, fps: 25.03, totalSize: 1_048_576, outTimeMs: 10_000, speed: 1.01, ended: false },
    ]);
  });

  it('gives nothing until progress= closes the block', () => {
    const parser = new ProgressParser();
    expect(parser.push('frame=1\nfps=5\n')).toEqual([]);
    expect(parser.push('progress=continue\n')).toEqual([
      { frame: 1, fps: 5, totalSize: null, outTimeMs: null, speed: null, ended: false },
    ]);
  });

  it('joins lines split across chunks, even mid-key and mid-value', () => {
    const parser = new ProgressParser();
    const reports = [];
    // Feed the block three characters at a time.
    for (let i = 0; i < BLOCK.length; i += 3) reports.push(...parser.push(BLOCK.slice(i, i + 3)));
    expect(reports).toEqual(new ProgressParser().push(BLOCK));
  });

  it('does not parse a line until its newline arrives', () => {
    const parser = new ProgressParser();
    expect(parser.push('frame=12\nprogress=cont')).toEqual([]);
    expect(parser.push('inue\n')).toEqual([
      { frame: 12, fps: null, totalSize: null, outTimeMs: null, speed: null, ended: false },
    ]);
  });

  it('returns every block of a chunk, each with only its own values', () => {
    const parser = new ProgressParser();
    const reports = parser.push('frame=1\nfps=10\nprogress=continue\nframe=2\nprogress=continue\n');
    expect(reports.map((r) => [r.frame, r.fps])).toEqual([
      [1, 10],
      [2, null], // fps of the first block does not leak into the second
    ]);
  });

  it('reads N/A and garbage as null', () => {
    const [report] = new ProgressParser().push(
      'frame=N/A\nfps=N/A\ntotal_size=N/A\nout_time_us=N/A\nspeed=N/A\nprogress=continue\n',
    );
    expect(report).toEqual({
      frame: null,
      fps: null,
      totalSize: null,
      outTimeMs: null,
      speed: null,
      ended: false,
    });
  });

  it('falls back to out_time_ms (which ffmpeg also reports in µs) when out_time_us is missing', () => {
    const [report] = new ProgressParser().push('out_time_ms=2500000\nprogress=continue\n');
    expect(report?.outTimeMs).toBe(2500);
  });

  it('prefers out_time_us, and falls back when it is N/A', () => {
    const parser = new ProgressParser();
    expect(parser.push('out_time_us=1000\nout_time_ms=9000\nprogress=continue\n')[0]?.outTimeMs).toBe(1);
    expect(parser.push('out_time_us=N/A\nout_time_ms=9000\nprogress=continue\n')[0]?.outTimeMs).toBe(9);
  });

  it('marks progress=end as ended', () => {
    const reports = new ProgressParser().push('frame=9\nprogress=end\n');
    expect(reports).toEqual([
      { frame: 9, fps: null, totalSize: null, outTimeMs: null, speed: null, ended: true },
    ]);
  });

  it('handles CRLF line endings and surrounding spaces', () => {
    const [report] = new ProgressParser().push('frame=3\r\n fps=7 \r\nprogress=continue\r\n');
    expect(report).toMatchObject({ frame: 3, fps: 7, ended: false });
  });

  it('ignores lines without a key', () => {
    const [report] = new ProgressParser().push('garbage\n=5\n\nframe=4\nprogress=continue\n');
    expect(report).toMatchObject({ frame: 4 });
  });

  it('drops a runaway line without newline instead of growing forever', () => {
    const parser = new ProgressParser();
    expect(parser.push('x'.repeat(5000))).toEqual([]);
    // The buffer was cleared, so the next line is parsed on its own.
    expect(parser.push('\nframe=5\nprogress=continue\n')).toEqual([
      { frame: 5, fps: null, totalSize: null, outTimeMs: null, speed: null, ended: false },
    ]);
  });

  it('keeps a long but finished line and a short pending one', () => {
    const parser = new ProgressParser();
    // A 4096-character pending line still fits in the buffer: the value is not lost.
    const line = `total_size=${'0'.repeat(4083)}42`;
    expect(line).toHaveLength(4096);
    expect(parser.push(line)).toEqual([]);
    const [report] = parser.push('\nprogress=continue\n');
    expect(report?.totalSize).toBe(42);
  });
});
