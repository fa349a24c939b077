import fs from 'node:fs';

/**
 * A minimal POSIX ustar writer: regular files only, names under 100 bytes.
 * Enough for an export archive anyone can open with `tar -xf`.
 */
export interface TarEntry {
  name: string;
  /** Either the bytes, or a file on disk to copy in. */
  data?: Buffer;
  file?: string;
}

function header(name: string, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(512, 0);
  const write = (text: string, offset: number, length: number): void => {
    h.write(text.slice(0, length), offset, length, 'utf8');
  };
  const octal = (value: number, length: number): string => value.toString(8).padStart(length - 1, '0') + '\0';
  if (Buffer.byteLength(name) > 99) throw new Error(`tar entry name too long: ${name}`);
  write(name, 0, 100);
  write(octal(0o644, 8), 100, 8);
  write(octal(0, 8), 108, 8);
  write(octal(0, 8), 116, 8);
  write(octal(size, 12), 124, 12);
  write(octal(Math.floor(mtime / 1000), 12), 136, 12);
  write('        ', 148, 8); // checksum placeholder: spaces while summing
  write('0', 156, 1);
  write('ustar\0', 257, 6);
  write('00', 263, 2);
  let sum = 0;
  for (const byte of h) sum += byte;
  write(octal(sum, 7) + ' ', 148, 8);
  return h;
}

export async function writeTar(target: string, entries: TarEntry[], mtime: number): Promise<void> {
  const out = fs.createWriteStream(target, { mode: 0o600 });
  const write = (chunk: Buffer): Promise<void> =>
    new Promise((resolve, reject) => out.write(chunk, (error) => (error ? reject(error) : resolve())));
  try {
    for (const entry of entries) {
      const size = entry.data ? entry.data.length : fs.statSync(entry.file ?? '').size;
      await write(header(entry.name, size, mtime));
      if (entry.data) await write(entry.data);
      else {
        for await (const chunk of fs.createReadStream(entry.file ?? '')) await write(chunk as Buffer);
      }
      const pad = (512 - (size % 512)) % 512;
      if (pad) await write(Buffer.alloc(pad, 0));
    }
    await write(Buffer.alloc(1024, 0));
  } finally {
    await new Promise<void>((resolve) => out.end(() => resolve()));
  }
}
