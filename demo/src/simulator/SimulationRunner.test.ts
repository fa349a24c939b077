import { QueueEventSchema, type QueueEvent } from '@counterwatch/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DepartmentDay, type SimCounter } from './DepartmentDay.js';
import { SimulationRunner, type SimulationRunnerOptions } from './SimulationRunner.js';

const START = Date.UTC(2025, 0, 6, 3, 0);
const COUNTERS: SimCounter[] = [
  { id: 'c1', services: ['id-card', 'passport', 'criminal-record', 'temporary-residence'] },
  { id: 'c2', services: ['id-card', 'temporary-residence', 'permanent-residence'] },
  {
    id: 'c3',
    services: ['vehicle-registration', 'driving-licence', 'traffic-violation', 'seal-registration'],
  },
];
const DEPARTMENTS = [
  { id: 'ward-1', counters: COUNTERS },
  { id: 'ward-2', counters: COUNTERS, dailyCitizens: 150 },
];

/** The reference stream: the same day run in one go with the runner's stamping. */
function reference(
  departmentId: string,
  seed: number,
  openedAt: number,
  speed: number,
  dailyCitizens?: number,
) {
  return new DepartmentDay({
    departmentId,
    counters: COUNTERS,
    seed,
    stamp: (t) => openedAt + t / speed,
    ...(dailyCitizens === undefined ? {} : { dailyCitizens }),
  }).runToEnd();
}

interface Harness {
  runner: SimulationRunner;
  clock: { t: number };
  batches: { departmentId: string; events: QueueEvent[] }[];
  delivered: (departmentId: string) => QueueEvent[];
}

const runners: SimulationRunner[] = [];
afterEach(() => {
  for (const r of runners.splice(0)) r.stop();
  vi.useRealTimers();
});

function harness(options: Partial<SimulationRunnerOptions> = {}): Harness {
  const clock = { t: START };
  const batches: Harness['batches'] = [];
  const runner = new SimulationRunner({
    departments: DEPARTMENTS,
    seed: 42,
    now: () => clock.t,
    // Ticks are driven by hand; the interval must not interfere.
    tickMs: 3_600_000,
    sink: async (departmentId, events) => {
      batches.push({ departmentId, events });
    },
    ...options,
  });
  runners.push(runner);
  return {
    runner,
    clock,
    batches,
    delivered: (id) => batches.filter((b) => b.departmentId === id).flatMap((b) => b.events),
  };
}

describe('SimulationRunner', () => {
  it('delivers the backfill on start, stamped in the past', async () => {
    const { runner, batches, delivered } = harness({ speed: 10 });
    await runner.start();
    expect(runner.dayOpenedAt).toBe(START - (150 * 60_000) / 10);
    for (const d of DEPARTMENTS) {
      const events = delivered(d.id);
      expect(events.length).toBeGreaterThan(50);
      for (const e of events) {
        expect(QueueEventSchema.parse(e)).toEqual(e);
        expect(e.departmentId).toBe(d.id);
        expect(e.occurredAt).toBeGreaterThanOrEqual(runner.dayOpenedAt);
        expect(e.occurredAt).toBeLessThanOrEqual(START);
      }
      const ref = reference(d.id, 42, runner.dayOpenedAt, 10, d.dailyCitizens);
      expect(events).toEqual(ref.slice(0, events.length));
      // Exactly the events up to 150 simulated minutes.
      expect(ref[events.length]!.occurredAt).toBeGreaterThan(START);
    }
    expect(batches.every((b) => b.events.length > 0 && b.events.length <= 500)).toBe(true);
  });

  it('splits large backlogs into batches of at most 500', async () => {
    const { runner, batches, delivered } = harness({ backfillMinutes: 700 });
    await runner.start();
    const sizes = batches.filter((b) => b.departmentId === 'ward-1').map((b) => b.events.length);
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes.slice(0, -1).every((n) => n === 500)).toBe(true);
    expect(sizes.at(-1)).toBeLessThanOrEqual(500);
    // The whole day was in the backfill.
    expect(delivered('ward-1')).toEqual(reference('ward-1', 42, runner.dayOpenedAt, 1));
    expect(runner.finished).toBe(true);
  });

  it('follows the wall clock on each tick and ends with the full day', async () => {
    const speed = 60;
    const { runner, clock, delivered } = harness({ speed });
    await runner.start();
    const before = delivered('ward-1').length;
    await runner.tick();
    expect(delivered('ward-1')).toHaveLength(before);

    clock.t += 60_000; // one wall minute = one simulated hour
    await runner.tick();
    const after = delivered('ward-1');
    expect(after.length).toBeGreaterThan(before);
    expect(after.every((e) => e.occurredAt <= clock.t)).toBe(true);

    for (let i = 0; i < 20 && !runner.finished; i++) {
      clock.t += 60_000;
      await runner.tick();
    }
    expect(runner.finished).toBe(true);
    for (const d of DEPARTMENTS) {
      expect(delivered(d.id)).toEqual(reference(d.id, 42, runner.dayOpenedAt, speed, d.dailyCitizens));
    }
  });

  it('does not move simulated time back when the clock steps back', async () => {
    const { runner, clock, delivered } = harness({ speed: 60 });
    await runner.start();
    clock.t += 120_000;
    await runner.tick();
    const n = delivered('ward-1').length;
    clock.t -= 60_000;
    await runner.tick();
    expect(delivered('ward-1')).toHaveLength(n);
  });

  it('retries a failed batch on the next tick without loss or reordering', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const batches: { departmentId: string; events: QueueEvent[] }[] = [];
    const { runner, clock } = harness({
      speed: 60,
      onError: (error) => errors.push(error),
      // Every third call fails.
      sink: async (departmentId, events) => {
        if (++calls % 3 === 0) throw new Error(`sink down (${calls})`);
        batches.push({ departmentId, events });
      },
    });
    const started = runner.start();
    for (let i = 0; i < 40 && !runner.finished; i++) {
      clock.t += 30_000;
      await runner.tick();
    }
    await started;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toBeInstanceOf(Error);
    expect(runner.finished).toBe(true);
    for (const d of DEPARTMENTS) {
      const delivered = batches.filter((b) => b.departmentId === d.id).flatMap((b) => b.events);
      expect(delivered).toEqual(reference(d.id, 42, runner.dayOpenedAt, 60, d.dailyCitizens));
    }
  });

  it('never resends an event the receiver refused for good, and delivers the rest', async () => {
    // The first rating of each department is refused (say its source's sequence was already used).
    const refusedIds = new Set<string>();
    const rejected: { event: QueueEvent; reason: string }[] = [];
    const sent = new Map<string, number>();
    const { runner, clock } = harness({
      speed: 60,
      onRejected: (event, reason) => rejected.push({ event, reason }),
      sink: async (departmentId, events) => {
        for (const e of events) sent.set(e.id, (sent.get(e.id) ?? 0) + 1);
        const refuse = events.find(
          (e) => e.type === 'rating.submitted' && ![...refusedIds].some((id) => id.includes(departmentId)),
        );
        if (!refuse) return { rejected: [] };
        refusedIds.add(refuse.id);
        return { rejected: [{ id: refuse.id, reason: 'sequence already used' }] };
      },
    });
    const started = runner.start();
    for (let i = 0; i < 40 && !runner.finished; i++) {
      clock.t += 30_000;
      await runner.tick();
    }
    await started;
    expect(runner.finished).toBe(true);
    expect(rejected.map((r) => r.event.id).sort()).toEqual([...refusedIds].sort());
    expect(rejected).toHaveLength(DEPARTMENTS.length);
    expect(runner.rejected).toBe(DEPARTMENTS.length);
    // Every event went out exactly once: the refused ones were not retried.
    expect([...sent.values()].every((n) => n === 1)).toBe(true);
    for (const d of DEPARTMENTS) {
      expect(sent.size).toBeGreaterThan(0);
      for (const e of reference(d.id, 42, runner.dayOpenedAt, 60, d.dailyCitizens))
        expect(sent.get(e.id)).toBe(1);
    }
  });

  it('backs off while the receiver is down instead of trying on every tick', async () => {
    let calls = 0;
    let down = true;
    const { runner, clock } = harness({
      speed: 60,
      backfillMinutes: 0,
      onError: () => undefined,
      sink: async () => {
        calls += 1;
        if (down) throw new Error('connection refused');
      },
    });
    await runner.start();
    // 60 ticks one second apart with the receiver down: the retries thin out (capped at 30 s).
    for (let i = 0; i < 60; i++) {
      clock.t += 1_000;
      await runner.tick();
    }
    expect(calls).toBeGreaterThan(2);
    expect(calls).toBeLessThan(20);
    down = false;
    for (let i = 0; i < 40; i++) {
      clock.t += 1_000;
      await runner.tick();
    }
    const after = calls;
    clock.t += 60_000;
    await runner.tick();
    expect(calls).toBeGreaterThan(after); // recovered: back to delivering each tick
  });

  it('never has two batches of a department in flight', async () => {
    const inFlight = new Map<string, number>();
    const gates: (() => void)[] = [];
    let maxInFlight = 0;
    const order: QueueEvent[] = [];
    const { runner, clock } = harness({
      speed: 60,
      backfillMinutes: 0,
      sink: async (departmentId, events) => {
        const n = (inFlight.get(departmentId) ?? 0) + 1;
        inFlight.set(departmentId, n);
        maxInFlight = Math.max(maxInFlight, n);
        await new Promise<void>((resolve) => gates.push(resolve));
        inFlight.set(departmentId, n - 1);
        if (departmentId === 'ward-1') order.push(...events);
      },
    });
    await runner.start();
    const ticks: Promise<void>[] = [];
    for (let i = 0; i < 12; i++) {
      clock.t += 60_000;
      ticks.push(runner.tick());
      // Let the sink start, then release whatever is waiting only every other tick.
      await Promise.resolve();
      if (i % 2 === 1) for (const g of gates.splice(0)) g();
    }
    while (gates.length > 0 || !runner.finished) {
      for (const g of gates.splice(0)) g();
      await new Promise((r) => setTimeout(r, 0));
      if (!runner.finished) {
        clock.t += 60_000;
        ticks.push(runner.tick());
      }
    }
    await Promise.all(ticks);
    expect(maxInFlight).toBe(1);
    expect(order).toEqual(reference('ward-1', 42, runner.dayOpenedAt, 60));
  });

  it('ticks on its interval', async () => {
    vi.useFakeTimers({ now: START });
    const batches: QueueEvent[][] = [];
    const runner = new SimulationRunner({
      departments: [DEPARTMENTS[0]!],
      seed: 7,
      speed: 600,
      now: () => Date.now(),
      tickMs: 1000,
      sink: async (_id, events) => {
        batches.push(events);
      },
    });
    runners.push(runner);
    await runner.start();
    const afterBackfill = batches.length;
    await vi.advanceTimersByTimeAsync(10_000); // 100 simulated minutes
    expect(batches.length).toBeGreaterThan(afterBackfill);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(runner.finished).toBe(true);
    expect(batches.flat()).toEqual(reference('ward-1', 7, runner.dayOpenedAt, 600));
    // The interval stops once everything was delivered.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects start when stopped before the backfill was delivered', async () => {
    const { runner } = harness({
      sink: async () => {
        throw new Error('down');
      },
      onError: () => undefined,
    });
    const started = runner.start();
    runner.stop();
    await expect(started).rejects.toThrow(/stopped/);
    await expect(runner.start()).rejects.toThrow(/already started/);
  });

  it('validates its options', () => {
    const sink = async (): Promise<void> => undefined;
    expect(
      () => new SimulationRunner({ departments: DEPARTMENTS, seed: 1, sink, speed: 0, now: () => 0 }),
    ).toThrow(RangeError);
    expect(
      () =>
        new SimulationRunner({ departments: DEPARTMENTS, seed: 1, sink, backfillMinutes: -1, now: () => 0 }),
    ).toThrow(RangeError);
    expect(
      () =>
        new SimulationRunner({
          departments: [DEPARTMENTS[0]!, DEPARTMENTS[0]!],
          seed: 1,
          sink,
          now: () => 0,
        }),
    ).toThrow(/duplicate/);
  });
});
