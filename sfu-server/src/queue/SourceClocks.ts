/**
 * Each event source (kiosk, counter panel, queue system) stamps events with
 * its own clock. We estimate how far each clock is off from ours using events
 * that arrived promptly (delivered within LIVE_WINDOW of their stamp), and
 * correct every event of that source by it. Late deliveries (an agent's
 * outbox after an outage) don't count towards the estimate but are corrected
 * with it. The estimate is a function of the stored events in arrival order,
 * so a restart computes the same corrections.
 */
const LIVE_WINDOW_MS = 10 * 60_000;
const SAMPLES = 50;

export class SourceClocks {
  readonly #samples = new Map<string, number[]>();

  /** Record one event's delay and return its corrected time. */
  observe(sourceKey: string, occurredAt: number, receivedAt: number): number {
    const delta = receivedAt - occurredAt;
    if (Math.abs(delta) < LIVE_WINDOW_MS) {
      const list = this.#samples.get(sourceKey) ?? [];
      list.push(delta);
      if (list.length > SAMPLES) list.shift();
      this.#samples.set(sourceKey, list);
    }
    return occurredAt + this.offset(sourceKey);
  }

  /**
   * The smallest recent delay: transport and queueing only ever add to it,
   * so the minimum is the closest to the clock difference itself.
   */
  offset(sourceKey: string): number {
    const list = this.#samples.get(sourceKey);
    if (!list || list.length === 0) return 0;
    const min = Math.min(...list);
    // Under a second is transport delay or harmless drift: leave such clocks alone.
    return Math.abs(min) < 1_000 ? 0 : min;
  }
}
