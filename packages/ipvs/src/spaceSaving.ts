import { detach } from "./textLines";

// V8 copies substrings shorter than this instead of slicing, so they pin nothing (SlicedString::kMinLength).
const SLICE_MIN_LENGTH = 13;
const own = (item: string): string => (item.length < SLICE_MIN_LENGTH ? item : detach(item));

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
  /** Where the slot sits in the heap, so moves need no map update. */
  at: number;
}

/** Creates a Space-Saving sketch backed by an indexed min-heap, so each offer costs O(log capacity). */
export function createSpaceSaving(capacity: number): SpaceSaving {
  const size = Math.max(1, Math.floor(capacity));
  const heap: Slot[] = [];
  const index = new Map<string, Slot>();
  let offers = 0;
  const place = (slot: Slot, at: number): void => {
    heap[at] = slot;
    slot.at = at;
  };
  const swap = (a: number, b: number): void => {
    const sa = heap[a] as Slot;
    place(heap[b] as Slot, a);
    place(sa, b);
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
      const slot = index.get(item);
      if (slot !== undefined) {
        slot.count += 1;
        siftDown(slot.at);
      } else if (heap.length < size) {
        // Kept items are detached so a counter never pins the chunk of input its item was sliced from.
        const added: Slot = { item: own(item), count: 1, error: 0, at: heap.length };
        heap.push(added);
        index.set(added.item, added);
        siftUp(added.at);
      } else {
        // Replace the smallest counter: the newcomer inherits its count as possible overestimate.
        const min = heap[0] as Slot;
        index.delete(min.item);
        min.item = own(item);
        min.error = min.count;
        min.count += 1;
        index.set(min.item, min);
        siftDown(0);
      }
    },
    top(n) {
      return [...heap]
        .sort((a, b) => b.count - a.count || a.item.localeCompare(b.item))
        .slice(0, Math.max(0, n))
        .map(({ item, count, error }) => ({ item, count, error }));
    },
    size: () => heap.length,
    total: () => offers,
  };
}
