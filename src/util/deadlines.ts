/**
 * The endpoint's timer index: a binary min-heap of (deadline, item) entries. An item is pushed again
 * whenever its deadline changes; entries that no longer match the item's current deadline are
 * dropped when they reach the top (lazy deletion), and the heap is rebuilt from the live items when
 * stale entries come to outnumber them. Finding the next deadline is then O(log n) instead of a
 * scan of every SA after each datagram.
 */
export interface DeadlineEntry<T> {
  at: number;
  item: T;
}

export class DeadlineQueue<T> {
  private heap: DeadlineEntry<T>[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(at: number, item: T): void {
    const h = this.heap;
    h.push({ at, item });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent].at <= h[i].at) break;
      [h[parent], h[i]] = [h[i], h[parent]];
      i = parent;
    }
  }

  peek(): DeadlineEntry<T> | undefined {
    return this.heap[0];
  }

  pop(): DeadlineEntry<T> | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l].at < h[m].at) m = l;
        if (r < h.length && h[r].at < h[m].at) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }

  /** Records an item's deadline in its `timerAt` and queues it when it changed. */
  set(item: T & { timerAt?: number }, at: number | undefined): void {
    if (at === item.timerAt) return;
    item.timerAt = at;
    if (at !== undefined) this.push(at, item);
  }

  /** The earliest entry that `isLive` accepts; the stale ones above it are dropped. */
  peekLive(isLive: (entry: DeadlineEntry<T>) => boolean): DeadlineEntry<T> | undefined {
    for (let top = this.peek(); top; top = this.peek()) {
      if (isLive(top)) return top;
      this.pop();
    }
    return undefined;
  }

  /** Rebuilds from the live entries once stale ones come to outnumber the `liveItems` items. */
  compact(liveItems: number, live: () => DeadlineEntry<T>[]): void {
    if (this.heap.length > 2 * liveItems + 1024) this.rebuild(live());
  }

  /** Replaces the contents with exactly these entries. */
  rebuild(entries: DeadlineEntry<T>[]): void {
    this.heap = entries.sort((a, b) => a.at - b.at);
  }
}
