/**
 * A binary min-heap of items keyed by time. Ties are broken by insertion order
 * so that happenings scheduled for the same instant run in the order they were
 * scheduled: the simulation stays deterministic for a seed.
 */
interface Entry<T> {
  time: number;
  order: number;
  item: T;
}

export class TimeQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private inserted = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: number, item: T): void {
    if (Number.isNaN(time)) throw new RangeError('time must be a number');
    this.heap.push({ time, order: this.inserted++, item });
    this.up(this.heap.length - 1);
  }

  /** The earliest time in the queue, or undefined when empty. */
  peekTime(): number | undefined {
    return this.heap[0]?.time;
  }

  /** Removes and returns the earliest entry. */
  pop(): { time: number; item: T } | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return { time: top.time, item: top.item };
  }

  /** Every queued item, in no particular order. */
  items(): T[] {
    return this.heap.map((e) => e.item);
  }

  private before(i: number, j: number): boolean {
    const a = this.entry(i);
    const b = this.entry(j);
    return a.time < b.time || (a.time === b.time && a.order < b.order);
  }

  private swap(i: number, j: number): void {
    const a = this.entry(i);
    this.heap[i] = this.entry(j);
    this.heap[j] = a;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < n && this.before(l, smallest)) smallest = l;
      if (r < n && this.before(r, smallest)) smallest = r;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private entry(i: number): Entry<T> {
    const e = this.heap[i];
    if (e === undefined) throw new RangeError(`heap index ${i} out of range`);
    return e;
  }
}
