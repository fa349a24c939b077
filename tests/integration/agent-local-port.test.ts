import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Stack } from '@counterwatch/demo';
import { eventually, launchChromium } from '../support/browser.js';
import { countStoredEvents, events } from '../support/queue.js';
import type { TestClock } from '../support/clock.js';
import { testStack } from '../support/stack.js';

/**
 * The agent's loopback event port is for the queue system on the counter
 * PC, not for any web page open in that PC's browser: a page on another
 * origin (an ad, a phishing site, a DNS-rebound name) must not slip fake
 * events — an unsatisfied rating, a closed counter — into the outbox.
 */
describe("the agent's loopback event port", () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  let browser: Browser;
  let attacker: http.Server;
  let attackerOrigin: string;
  let counterId: string;
  let departmentId: string;
  let url: string;
  let port: number;
  const outboxFile = () => path.join(stack.dir, 'agents', counterId, 'outbox.db');

  /** Event ids waiting in the agent's outbox (the server is stopped, so nothing leaves it). */
  const outboxIds = (): string[] => {
    const db = new BetterSqlite3(outboxFile(), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT event_id FROM outbox ORDER BY seq').all() as { event_id: string }[]).map(
        (r) => r.event_id,
      );
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    ({ stack, cleanup, clock } = await testStack('local-port', { departments: 1, countersPerDepartment: 1 }));
    const counter = stack.provisioned.counters[0]!;
    counterId = counter.id;
    departmentId = counter.departmentId;
    // The agent learns its department from the server once, then the server goes away:
    // whatever the port accepts stays in the outbox where the test can see it.
    await stack.startAgent(counterId);
    url = await stack.agentEventsUrl(counterId);
    port = Number(new URL(url).port);
    await eventually('agent knows its department', async () => {
      const db = new BetterSqlite3(outboxFile(), { readonly: true, fileMustExist: true });
      try {
        return db.prepare("SELECT value FROM meta WHERE key = 'departmentId'").get() ? true : undefined;
      } finally {
        db.close();
      }
    });
    await stack.stopServer();

    // A web page on another origin, as any site open in the counter PC's browser could be.
    attacker = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>ads</title><p>nothing to see</p>');
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerOrigin = `http://localhost:${(attacker.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    attacker?.close();
    await cleanup?.();
  });

  const fake = (id: string) => ({
    id,
    departmentId,
    occurredAt: clock.now(),
    source: { id: 'evil', seq: Math.floor(Math.random() * 1e9) },
    type: 'rating.submitted',
    ticketId: 'T-someone',
    counterId,
    rating: 'unsatisfied',
  });

  it('a page on another origin posts nothing into the outbox (no-cors fetch, form post)', async () => {
    const page = await browser.newPage();
    await page.goto(`${attackerOrigin}/`);
    // A "simple" cross-site request: text/plain, no preflight, the answer unreadable but the body delivered.
    await page.evaluate(
      async ({ target, body }) => {
        await fetch(target, { method: 'POST', mode: 'no-cors', body }).catch(() => undefined);
        await fetch(target, {
          method: 'POST',
          mode: 'no-cors',
          body: new Blob([body], { type: 'text/plain' }),
        }).catch(() => undefined);
      },
      { target: url, body: JSON.stringify(fake('evil-fetch')) },
    );
    // A form post with enctype text/plain that smuggles a JSON body: name + '=' + value.
    const json = JSON.stringify(fake('evil-form'));
    const cut = json.lastIndexOf('"rating"');
    await page.evaluate(
      ({ target, name, value }) => {
        const form = document.createElement('form');
        form.method = 'POST';
        form.action = target;
        form.enctype = 'text/plain';
        const input = document.createElement('input');
        input.name = name;
        input.value = value;
        form.append(input);
        document.body.append(form);
        form.submit();
      },
      // {"…","rating"="unsatisfied"} is not JSON; put the '=' inside a string instead.
      { target: url, name: `${json.slice(0, cut)}"x":"`, value: `",${json.slice(cut)}` },
    );
    await page.waitForURL(url, { timeout: 10_000 }).catch(() => undefined);
    await page.close();

    // The queue system's own post (no Origin, JSON) is accepted: the port still works.
    const e = events(departmentId, 'qs', 'legit', clock.now);
    const legit = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(e({ type: 'counter.opened', counterId })),
    });
    expect(legit.status).toBe(202);
    expect(outboxIds()).toEqual(['legit-1']);
  });

  it('refuses a foreign Origin, a body that is not JSON by Content-Type, and a non-loopback Host', async () => {
    const post = (headers: Record<string, string>, id: string) =>
      new Promise<number>((resolve, reject) => {
        const body = JSON.stringify(fake(id));
        const req = http.request(
          { host: '127.0.0.1', port, path: '/events', method: 'POST', headers },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const json = { 'content-type': 'application/json' };
    expect(await post({ ...json, origin: attackerOrigin }, 'evil-origin')).toBe(403);
    expect(await post({ ...json, origin: 'null' }, 'evil-null-origin')).toBe(403);
    expect(await post({ 'content-type': 'text/plain' }, 'evil-text')).toBe(415);
    expect(await post({ 'content-type': 'application/x-www-form-urlencoded' }, 'evil-urlenc')).toBe(415);
    // DNS rebinding: evil.example resolves to 127.0.0.1, and the browser sends its own name as Host.
    expect(await post({ ...json, host: `evil.example:${port}` }, 'evil-host')).toBe(421);
    expect(await post({ ...json, host: `localhost.evil.example:${port}` }, 'evil-host2')).toBe(421);
    // Reading the health endpoint from a rebound name is refused too.
    const health = await new Promise<number>((resolve, reject) => {
      http
        .get(
          { host: '127.0.0.1', port, path: '/health', headers: { host: `evil.example:${port}` } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
        .on('error', reject);
    });
    expect(health).toBe(421);
    expect(outboxIds()).toEqual(['legit-1']);
  });

  it('with a local key file, only a sender holding the key gets in; an allowed origin may post', async () => {
    const keyFile = path.join(stack.dir, 'events.key');
    fs.writeFileSync(keyFile, 'k'.repeat(40) + '\n', { mode: 0o600 });
    await stack.startAgent(counterId, [
      '--events-key-file',
      keyFile,
      '--events-allow-origin',
      'http://queue.local:8080',
    ]);
    url = await stack.agentEventsUrl(counterId);
    const e = events(departmentId, 'qs2', 'keyed', clock.now);
    const send = (headers: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(e({ type: 'counter.opened', counterId })),
      });
    expect((await send({})).status).toBe(401);
    expect((await send({ authorization: `Bearer ${'x'.repeat(40)}` })).status).toBe(401);
    const ok = await send({ authorization: `Bearer ${'k'.repeat(40)}` });
    expect(ok.status).toBe(202);
    // The queue system's own web page, from the allowed origin, with the key: CORS answers it.
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://queue.local:8080',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://queue.local:8080');
    const fromPage = await send({
      authorization: `Bearer ${'k'.repeat(40)}`,
      origin: 'http://queue.local:8080',
    });
    expect(fromPage.status).toBe(202);
    expect(fromPage.headers.get('access-control-allow-origin')).toBe('http://queue.local:8080');
    expect(outboxIds()).toEqual(['legit-1', 'keyed-3', 'keyed-4']);

    // The server comes back: what was accepted is delivered, the attempts never existed.
    await stack.startServer();
    await eventually('accepted events stored', async () =>
      countStoredEvents(stack.dataDir, "id IN ('legit-1', 'keyed-3', 'keyed-4')") === 3 ? true : undefined,
    );
    expect(countStoredEvents(stack.dataDir, "id LIKE 'evil-%'")).toBe(0);
  });
});
