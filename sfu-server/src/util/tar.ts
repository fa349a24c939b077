import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

/**
 * Writes a tar archive (POSIX ustar, with pax headers for long names) of
 * regular files with tar-stream: an export anyone can open with `tar -xf`.
 */
export interface TarEntry {
  name: string;
  /** Either the bytes, or a file on disk to copy in. */
  data?: Buffer;
  file?: string;
}

export async function writeTar(target: string, entries: TarEntry[], mtime: number): Promise<void> {
  const pack = tar.pack();
  const written = pipeline(pack, fs.createWriteStream(target, { mode: 0o600 }));
  try {
    for (const entry of entries) {
      const header = { name: entry.name, mode: 0o644, mtime: new Date(mtime), type: 'file' as const };
      const { data } = entry;
      if (data) {
        await new Promise<void>((resolve, reject) =>
          pack.entry({ ...header, size: data.length }, data, (error) => (error ? reject(error) : resolve())),
        );
        continue;
      }
      const file = entry.file ?? '';
      const { size } = await fs.promises.stat(file);
      // The file's bytes are streamed in, never held whole in memory (recordings are large).
      await new Promise<void>((resolve, reject) => {
        const sink = pack.entry({ ...header, size }, (error) => (error ? reject(error) : resolve()));
        const source = fs.createReadStream(file);
        source.once('error', (error) => {
          sink.destroy(error);
          reject(error);
        });
        source.pipe(sink);
      });
    }
    pack.finalize();
  } catch (error) {
    pack.destroy(error as Error);
    await written.catch(() => undefined);
    throw error;
  }
  await written;
}
