/** A binary min-heap of items keyed by due time; ties pop in insertion order, which keeps runs deterministic. */
export interface TimerQueue<T> {
  readonly size: number;
  push(at: number, item: T): void;
  /** The earliest due time, or Infinity when empty. */
  peekTime(): number;
  pop(): { at: number; item: T } | undefined;
  /** Keeps only the items the predicate accepts. */
  retain(keep: (item: T) => boolean): void;
}

interface Entry<T> {
  at: number;
  seq: number;
  item: T;
}

/** Creates an empty timer queue. */
export function createTimerQueue<T>(): TimerQueue<T> {
  let heap: Entry<T>[] = [];
  let seq = 0;
  const less = (a: Entry<T>, b: Entry<T>): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  const swap = (i: number, j: number): void => {
    [heap[i], heap[j]] = [heap[j] as Entry<T>, heap[i] as Entry<T>];
  };
  const up = (start: number): void => {
    for (let i = start; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!less(heap[i] as Entry<T>, heap[parent] as Entry<T>)) return;
      swap(i, parent);
      i = parent;
    }
  };
  const down = (start: number): void => {
    for (let i = start; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l] as Entry<T>, heap[m] as Entry<T>)) m = l;
      if (r < heap.length && less(heap[r] as Entry<T>, heap[m] as Entry<T>)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  return {
    get size() {
      return heap.length;
    },
    push(at, item) {
      heap.push({ at, seq: seq++, item });
      up(heap.length - 1);
    },
    peekTime: () => heap[0]?.at ?? Infinity,
    pop() {
      const top = heap[0];
      if (!top) return undefined;
      const tail = heap.pop() as Entry<T>;
      if (heap.length > 0) {
        heap[0] = tail;
        down(0);
      }
      return { at: top.at, item: top.item };
    },
    retain(keep) {
      heap = heap.filter((e) => keep(e.item));
      for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
    },
  };
}
