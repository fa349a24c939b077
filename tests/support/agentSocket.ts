import WebSocket from 'ws';

/** A raw socket to /ws/agent that records every frame, for protocol and bad-input tests. */
export class RawSocket {
  readonly ws: WebSocket;
  readonly frames: unknown[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) =>
      this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.ws.on('message', (data: Buffer) => {
      const value: unknown = JSON.parse(data.toString('utf8'));
      this.frames.push(value);
    });
  }

  send(text: string | Buffer): void {
    this.ws.send(text);
  }

  request(id: number, name: string, data: unknown): void {
    this.send(JSON.stringify({ kind: 'request', id, name, data }));
  }

  /** The next frame matching `predicate`, waiting up to `timeoutMs`. */
  async next(
    predicate: (frame: Record<string, unknown>) => boolean,
    timeoutMs = 5_000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(
        (f): f is Record<string, unknown> =>
          typeof f === 'object' && f !== null && predicate(f as Record<string, unknown>),
      );
      if (found) {
        this.frames.splice(this.frames.indexOf(found), 1);
        return found;
      }
      if (Date.now() > deadline) throw new Error(`no matching frame; got ${JSON.stringify(this.frames)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  response(id: number, timeoutMs?: number): Promise<Record<string, unknown>> {
    return this.next((f) => f.kind === 'response' && f.id === id, timeoutMs);
  }

  close(): void {
    this.ws.close();
  }
}
