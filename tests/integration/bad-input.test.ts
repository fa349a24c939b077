import fs from 'node:fs';
import net from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@counterwatch/demo';
import { RawSocket } from '../support/agentSocket.js';
import { getJson, loginCookie, send } from '../support/http.js';
import { testStack } from '../support/stack.js';

const AGENT_PROTOCOL_VERSION = 1;

/**
 * Every malformed, unknown, unauthorised or oversized message gets an error
 * reply that names the problem; the process stays up and nothing changes.
 */
describe('bad input on sockets and REST', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let wsBase: string;
  let cookie: string;

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('badinput', { departments: 2, countersPerDepartment: 2 }));
    wsBase = stack.url.replace('http', 'ws');
    const password = stack.createUser('head1', ['head'], [stack.provisioned.departments[0]!.id]);
    cookie = await loginCookie(stack.url, 'head1', password);
  });

  afterAll(async () => {
    await cleanup?.();
  });

  const counter = (i: number) => stack.provisioned.counters[i]!;
  const token = (i: number) => fs.readFileSync(counter(i).tokenFile, 'utf8');
  const hello = (counterId: string, tok: string) => ({
    protocolVersion: AGENT_PROTOCOL_VERSION,
    counterId,
    token: tok,
    publisher: 'ffmpeg',
    agentVersion: 'test',
  });

  async function consoleSnapshot(): Promise<Record<string, unknown>> {
    const socket = new RawSocket(`${wsBase}/ws/console`, { cookie, origin: stack.url });
    await socket.opened;
    socket.request(1, 'hello', { protocolVersion: 1 });
    const reply = await socket.response(1);
    socket.close();
    return reply.data as Record<string, unknown>;
  }

  it('agent socket: malformed JSON, binary, unknown and invalid messages get named errors', async () => {
    const s = new RawSocket(`${wsBase}/ws/agent`);
    await s.opened;
    s.send('{not json');
    expect(await s.next((f) => f.kind === 'error')).toMatchObject({ error: { code: 'malformed_json' } });
    s.send(Buffer.from([1, 2, 3]));
    expect(await s.next((f) => f.kind === 'error')).toMatchObject({ error: { code: 'invalid_frame' } });
    s.send(JSON.stringify({ kind: 'bogus' }));
    expect(await s.next((f) => f.kind === 'error')).toMatchObject({ error: { code: 'invalid_frame' } });
    s.request(1, 'launchMissiles', {});
    expect(await s.response(1)).toMatchObject({ ok: false, error: { code: 'unknown_message' } });
    s.request(2, 'hello', { protocolVersion: 1, counterId: 'NOT A SLUG' });
    const invalid = await s.response(2);
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(JSON.stringify(invalid)).toContain('counterId');
    s.request(3, 'publishPlain', { videoCodec: 'vp8', keys: { grid: 'x', focus: 'x', audio: null } });
    expect(await s.response(3)).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    s.request(4, 'unpublish', {});
    expect(await s.response(4)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    s.close();
  });

  it('agent socket: a wrong token, an unknown counter, or another counter’s token are refused alike', async () => {
    for (const [id, tok] of [
      [counter(0).id, 'x'.repeat(43)],
      ['no-such-counter', token(0)],
      [counter(0).id, token(1)],
    ] as const) {
      const s = new RawSocket(`${wsBase}/ws/agent`);
      await s.opened;
      s.request(1, 'hello', hello(id, tok));
      expect(await s.response(1)).toMatchObject({
        ok: false,
        error: { code: 'unauthenticated', message: 'unknown counter or wrong token' },
      });
      expect((await s.closed).code).toBe(4401);
    }
  });

  it('agent socket: an old protocol version is told so', async () => {
    const s = new RawSocket(`${wsBase}/ws/agent`);
    await s.opened;
    s.request(1, 'hello', { ...hello(counter(0).id, token(0)), protocolVersion: 99 });
    expect(await s.response(1)).toMatchObject({ ok: false, error: { code: 'unsupported_version' } });
    expect((await s.closed).code).toBe(4426);
  });

  it('agent socket: oversized messages get an error; beyond the hard cap the socket closes', async () => {
    const s = new RawSocket(`${wsBase}/ws/agent`);
    await s.opened;
    s.send(JSON.stringify({ kind: 'request', id: 1, name: 'hello', data: { pad: 'x'.repeat(600 * 1024) } }));
    expect(await s.next((f) => f.kind === 'error')).toMatchObject({ error: { code: 'message_too_large' } });
    s.send('x'.repeat(3 * 1024 * 1024));
    expect((await s.closed).code).toBe(1009);
  });

  it('console socket: refused without a session or from another origin', async () => {
    const anonymous = new RawSocket(`${wsBase}/ws/console`, { origin: stack.url });
    await expect(anonymous.opened).rejects.toThrow(/401/);
    const foreign = new RawSocket(`${wsBase}/ws/console`, { cookie, origin: 'https://evil.example' });
    await expect(foreign.opened).rejects.toThrow(/403/);
  });

  it('console socket: out-of-scope and unknown objects look the same, and bad requests change nothing', async () => {
    const before = await consoleSnapshot();
    const s = new RawSocket(`${wsBase}/ws/console`, { cookie, origin: stack.url });
    await s.opened;
    s.request(1, 'hello', { protocolVersion: 1 });
    await s.response(1);
    s.request(2, 'createTransport', { departmentId: stack.provisioned.departments[1]!.id });
    const other = await s.response(2);
    s.request(3, 'createTransport', { departmentId: 'no-such-department' });
    const unknown = await s.response(3);
    expect(other).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    s.request(4, 'consume', {
      transportId: 'nope',
      counterId: counter(2).id,
      track: 'grid',
      rtpCapabilities: {},
    });
    expect(await s.response(4)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    s.request(5, 'resumeConsumer', { consumerId: 'nope' });
    expect(await s.response(5)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    s.send('[]');
    expect(await s.next((f) => f.kind === 'error')).toMatchObject({ error: { code: 'invalid_frame' } });
    s.send(JSON.stringify({ kind: 'request', id: 6, name: 'hello', data: { x: 'y'.repeat(80 * 1024) } }));
    expect(await s.next((f) => f.kind === 'error')).toMatchObject({ error: { code: 'message_too_large' } });
    s.close();

    const after = await consoleSnapshot();
    // Everything but the clocks must be as it was.
    const timeless = (snap: Record<string, unknown>) => ({
      ...snap,
      serverTime: 0,
      departmentMetrics: (snap.departmentMetrics as Record<string, unknown>[]).map((m) => ({ ...m, at: 0 })),
    });
    expect(timeless(after)).toEqual(timeless(before));
    // The head sees only their own department.
    expect((after.departments as { id: string }[]).map((d) => d.id)).toEqual([
      stack.provisioned.departments[0]!.id,
    ]);
  });

  it('REST: malformed, invalid and oversized bodies get JSON errors with the right status', async () => {
    const malformed = await send(stack.url, 'POST', '/api/v1/auth/login', '{nope');
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'malformed_json' } } });
    const invalid = await send(stack.url, 'POST', '/api/v1/auth/login', JSON.stringify({ username: 1 }));
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ error: { code: 'invalid_request' } });
    const huge = await send(
      stack.url,
      'POST',
      '/api/v1/auth/login',
      JSON.stringify({ username: 'x'.repeat(2_000_000) }),
    );
    expect(huge).toMatchObject({ status: 413, body: { error: { code: 'message_too_large' } } });
    const crossSite = await send(stack.url, 'POST', '/api/v1/auth/logout', '{}', {
      cookie,
      origin: 'https://evil.example',
    });
    expect(crossSite).toMatchObject({ status: 403, body: { error: { code: 'csrf' } } });
    const noRoute = await getJson(stack.url, '/api/v1/nothing-here');
    expect(noRoute).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    // An address outside the console and the API: a page in Vietnamese that leads back to it.
    const page = await fetch(`${stack.url}/review`);
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('Không tìm thấy trang');
    expect(html).toContain('href="/"');
    const wrongPassword = await send(
      stack.url,
      'POST',
      '/api/v1/auth/login',
      JSON.stringify({ username: 'head1', password: 'nope' }),
    );
    expect(wrongPassword).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
  });

  it('REST: malformed percent-encoding in a path is a 400, not a 500', async () => {
    for (const bad of [
      '/api/v1/inspections/%c0%ae',
      '/api/v1/inspections/%u2215/report.html',
      '/%c0%ae%c0%ae/etc/passwd',
      '/assets/%E0%A4%A',
      '/live/%ff',
    ]) {
      const res = await fetch(`${stack.url}${bad}`, { headers: { cookie } });
      expect(res.status, bad).toBe(400);
      expect(await res.json(), bad).toMatchObject({ error: { code: 'invalid_request' } });
    }
  });

  it('REST: a broken gzip or deflate body is a 400, not a 500', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const res = await fetch(`${stack.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding, origin: stack.url },
        body: Buffer.from('this is not compressed at all'),
      });
      expect(res.status, encoding).toBe(400);
      expect(await res.json(), encoding).toMatchObject({ error: { code: 'invalid_request' } });
    }
    // A truncated gzip stream (a valid header, then nothing).
    const truncated = zlib.gzipSync(JSON.stringify({ username: 'head1', password: 'x' })).subarray(0, 12);
    const res = await fetch(`${stack.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', origin: stack.url },
      body: truncated,
    });
    expect(res.status).toBe(400);
  });

  it('HTTP: a 70 kB query string or header gets 414/431, not a reset connection', async () => {
    const longUrl = await rawRequest(
      `GET /api/v1/health?q=${'a'.repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    expect(longUrl).toMatch(/^HTTP\/1\.1 414 /);
    const longHeader = await rawRequest(
      `GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Padding: ${'b'.repeat(70_000)}\r\n\r\n`,
    );
    expect(longHeader).toMatch(/^HTTP\/1\.1 431 /);
    const garbage = await rawRequest('NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    // And fetch, as a client would see it.
    const res = await fetch(`${stack.url}/api/v1/health?q=${'a'.repeat(70_000)}`);
    expect(res.status).toBe(414);
  });

  /** Writes raw bytes to the server and returns everything it answers (throws if the connection is reset). */
  function rawRequest(text: string): Promise<string> {
    const { hostname, port } = new URL(stack.url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => socket.end(text));
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    });
  }

  it('after all that the server is up and a real agent still publishes', async () => {
    expect(stack.server.running).toBe(true);
    expect((await getJson(stack.url, '/api/v1/health')).status).toBe(200);
    await stack.startAgent(counter(0).id);
    const s = new RawSocket(`${wsBase}/ws/console`, { cookie, origin: stack.url });
    await s.opened;
    s.request(1, 'hello', { protocolVersion: 1 });
    await s.response(1);
    const patch = await s.next(
      (f) =>
        f.kind === 'notification' &&
        f.name === 'countersPatch' &&
        JSON.stringify(f.data).includes(`"id":"${counter(0).id}","media":{"status":"online"`),
      30_000,
    );
    expect(patch).toBeTruthy();
    s.close();
  });
});
