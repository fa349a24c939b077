/**
 * Each event source (kiosk, counter panel, queue system) stamps events with
 * its own clock. Two ways to know how far off a clock is:
 *
 * 1. The sender says what time it is when it sends (`sentAt` on a batch):
 *    the offset is our receive time minus that, whatever the events' age.
 * 2. Otherwise, events arriving stamped *after* we received them prove the
 *    source's clock runs ahead; the smallest such delay over its recent
 *    events estimates by how much. A clock that runs behind looks exactly
 *    like a late delivery (an outbox flushing, a batch posted every few
 *    minutes), so it is not guessed at: senders should declare `sentAt`.
 *
 * The corrected time is stored with the event, so a restart replays the
 * same times without re-estimating.
 */
const SAMPLES = 50;
/** Under this, a difference is transport jitter or harmless drift, not worth correcting. */
const NOISE_MS = 1_000;

export class SourceClocks {
  readonly #declared = new Map<string, number>();
  readonly #samples = new Map<string, number[]>();

  /** The corrected time of one event, learning about its source's clock on the way. */
  observe(sourceKey: string, occurredAt: number, receivedAt: number, senderOffset?: number): number {
    if (senderOffset !== undefined) {
      this.#declared.set(sourceKey, Math.abs(senderOffset) < NOISE_MS ? 0 : senderOffset);
    } else if (!this.#declared.has(sourceKey)) {
      const list = this.#samples.get(sourceKey) ?? [];
      list.push(receivedAt - occurredAt);
      if (list.length > SAMPLES) list.shift();
      this.#samples.set(sourceKey, list);
    }
    return occurredAt + this.offset(sourceKey);
  }

  offset(sourceKey: string): number {
    const declared = this.#declared.get(sourceKey);
    if (declared !== undefined) return declared;
    const list = this.#samples.get(sourceKey);
    if (!list || list.length === 0) return 0;
    const min = Math.min(...list);
    return min < -NOISE_MS ? min : 0;
  }
}
