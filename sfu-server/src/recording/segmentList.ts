/** One line of ffmpeg's `-segment_list_type csv`: a segment that has just been completed. */
export interface SegmentListEntry {
  file: string;
  /** Seconds since the start of the recording run (ffmpeg's output timeline). */
  start: number;
  end: number;
}

/**
 * Parses `file,start,end`. ffmpeg quotes the file name (RFC 4180 style) when
 * it holds a comma, quote or line break; ours never do, but the parser does
 * not rely on it. Returns null for anything else.
 */
export function parseSegmentListLine(line: string): SegmentListEntry | null {
  const text = line.replace(/\r$/, '');
  let file: string;
  let rest: string;
  if (text.startsWith('"')) {
    let i = 1;
    file = '';
    for (;;) {
      const quote = text.indexOf('"', i);
      if (quote < 0) return null;
      file += text.slice(i, quote);
      if (text[quote + 1] === '"') {
        file += '"';
        i = quote + 2;
        continue;
      }
      rest = text.slice(quote + 1);
      break;
    }
  } else {
    const comma = text.indexOf(',');
    if (comma < 0) return null;
    file = text.slice(0, comma);
    rest = text.slice(comma);
  }
  const match = /^,(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(rest);
  if (!match || file.length === 0) return null;
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) return null;
  return { file, start, end };
}

/** Splits a stream of chunks into complete lines. */
export class LineSplitter {
  #buffer = '';

  push(chunk: string): string[] {
    this.#buffer += chunk;
    const lines = this.#buffer.split('\n');
    this.#buffer = lines.pop() ?? '';
    return lines.filter((l) => l.length > 0);
  }

  /** What is left once the stream has ended (a last line without a newline). */
  flush(): string[] {
    const rest = this.#buffer;
    this.#buffer = '';
    return rest.length > 0 ? [rest] : [];
  }
}
