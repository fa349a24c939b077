import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Stack } from '@counterwatch/demo';
import type { TestClock } from '../support/clock.js';
import { fuzz, snapshotFromElsewhere } from '../support/fuzz/fuzzer.js';
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
  /**
   * The counter with a real agent: one the fuzzer never names (as an admin it rotates and revokes
   * the first counter's token, and its agent lanes say hello as the second), so it must stay online.
   */
  const realCounter = (): string => stack.provisioned.counters[2]!.id;

  beforeAll(async () => {
    ({ stack, cleanup, clock } = await testStack('fuzz', { departments: 1, countersPerDepartment: 3 }));
    await stack.startAgent(realCounter());
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
    // A director made now, from another loopback address: the fuzzer's admin lanes may have disabled
    // any account made before, and its bad logins rightly rate-limit 127.0.0.1.
    const password = stack.createUser('fuzz-after', ['director']);
    const status = async (): Promise<string | undefined> => {
      const snapshot = await snapshotFromElsewhere(stack.url, 'fuzz-after', password);
      const { data } = JSON.parse(snapshot) as {
        data: { counters: { id: string; media: { status: string } }[] };
      };
      return data.counters.find((c) => c.id === realCounter())?.media.status;
    };
    // Online, or back online by itself within the agent's capped reconnection backoff.
    await vi.waitFor(async () => expect(await status()).toBe('online'), { timeout: 30_000, interval: 2_000 });
  });
});
