/** One heavy hitter: `count` overestimates the true count by at most `error`, so the truth is in [count - error, count]. */
export interface HeavyHitter {
  item: string;
  count: number;
  error: number;
}

/**
 * A Space-Saving sketch (Metwally et al., 2005) with `capacity` counters. After N offers, each
 * count overestimates its item's true count by at most N / capacity, and every item whose true
 * count exceeds N / capacity is guaranteed to be among the counters. Memory is O(capacity).
 */
export interface SpaceSaving {
  offer(item: string): void;
  /** The `n` largest counters, largest first. */
  top(n: number): HeavyHitter[];
  /** Number of counters held (never above capacity). */
  size(): number;
  /** Total offers seen, the N of the error bound. */
  total(): number;
}

interface Slot {
  item: string;
  count: number;
  error: number;
}

/** Creates a Space-Saving sketch backed by an indexed min-heap, so each offer costs O(log capacity). */
export function createSpaceSaving(capacity: number): SpaceSaving {
  const size = Math.max(1, Math.floor(capacity));
  const heap: Slot[] = [];
  const index = new Map<string, number>();
  let offers = 0;
  const swap = (a: number, b: number): void => {
    const sa = heap[a] as Slot;
    const sb = heap[b] as Slot;
    heap[a] = sb;
    heap[b] = sa;
    index.set(sb.item, a);
    index.set(sa.item, b);
  };
  const siftDown = (start: number): void => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && (heap[left] as Slot).count < (heap[smallest] as Slot).count) smallest = left;
      if (right < heap.length && (heap[right] as Slot).count < (heap[smallest] as Slot).count) smallest = right;
      if (smallest === i) return;
      swap(i, smallest);
      i = smallest;
    }
  };
  const siftUp = (start: number): void => {
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as Slot).count <= (heap[i] as Slot).count) return;
      swap(i, parent);
      i = parent;
    }
  };
  return {
    offer(item) {
      offers += 1;
      const at = index.get(item);
      if (at !== undefined) {
        (heap[at] as Slot).count += 1;
        siftDown(at);
      } else if (heap.length < size) {
        heap.push({ item, count: 1, error: 0 });
        index.set(item, heap.length - 1);
        siftUp(heap.length - 1);
      } else {
        // Replace the smallest counter: the newcomer inherits its count as possible overestimate.
        const min = heap[0] as Slot;
        index.delete(min.item);
        heap[0] = { item, count: min.count + 1, error: min.count };
        index.set(item, 0);
        siftDown(0);
      }
    },
    top(n) {
      return [...heap]
        .sort((a, b) => b.count - a.count || a.item.localeCompare(b.item))
        .slice(0, Math.max(0, n))
        .map((slot) => ({ ...slot }));
    },
    size: () => heap.length,
    total: () => offers,
  };
}
