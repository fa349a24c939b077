import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@counterwatch/demo';
import { RawSocket } from '../support/agentSocket.js';
import type { TestClock } from '../support/clock.js';
import { fuzz } from '../support/fuzz/fuzzer.js';
import { loginCookie } from '../support/http.js';
import { rssMb } from '../support/memory.js';
import { testStack } from '../support/stack.js';

/**
 * A short run of the protocol fuzzer (the long one is `npm run bench:fuzz`):
 * mutated messages on both sockets and every REST route, from several lanes
 * at once, with a real agent publishing. Nothing may answer 5xx or
 * `internal`, the server and its mediasoup worker must live, memory must
 * come back down, and the real counter must still reach a console.
 */
const MESSAGES = Number(process.env.FUZZ_MESSAGES ?? 4_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);

describe('protocol fuzzer (short run)', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  /** Logged in before the run: the fuzzer's bad logins rightly get this address rate-limited. */
  let afterCookie: string;

  beforeAll(async () => {
    ({ stack, cleanup, clock } = await testStack('fuzz', { departments: 1, countersPerDepartment: 2 }));
    await stack.startAgent(stack.provisioned.counters[0]!.id);
    const password = stack.ensureUser('fuzz-after', ['director']);
    afterCookie = await loginCookie(stack.url, 'fuzz-after', password);
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it(`${MESSAGES} mutated messages: no 5xx, no internal error, no crash, memory back down`, async () => {
    const pid = stack.server.pid!;
    await fuzz(stack, { messages: 300, seed: SEED - 1, now: clock.now });
    await new Promise((r) => setTimeout(r, 2_000));
    const baseline = rssMb(pid);
    const report = await fuzz(stack, { messages: MESSAGES, seed: SEED, now: clock.now });
    await new Promise((r) => setTimeout(r, 3_000));
    const after = rssMb(pid);
    console.log(
      `fuzz: ${MESSAGES} messages in ${Math.round(report.durationMs)} ms (${JSON.stringify(report.sent)}); ` +
        `HTTP ${JSON.stringify(report.statuses)}; socket errors ${JSON.stringify(report.socketErrors)}; ` +
        `RSS ${baseline.toFixed(0)} → ${after.toFixed(0)} MB`,
    );
    expect(report.failures).toEqual([]);
    expect(stack.server.running).toBe(true);
    expect(after - baseline).toBeLessThan(80);
  });

  it('afterwards the real counter still reaches a console', async () => {
    const s = new RawSocket(`${stack.url.replace('http', 'ws')}/ws/console`, {
      cookie: afterCookie,
      origin: stack.url,
    });
    await s.opened;
    s.request(1, 'hello', { protocolVersion: 1 });
    const snapshot = await s.response(1);
    expect(JSON.stringify(snapshot)).toContain(`"id":"${stack.provisioned.counters[0]!.id}"`);
    expect(JSON.stringify(snapshot)).toMatch(/"status":"online"/);
    s.close();
  });
});
