import { useEffect, useState, type ReactNode } from "react";
import { useNearViewport } from "../../lib/useNearViewport";

/** Above this many real-server rows open on the page, rows are drawn only near the screen. */
export const WINDOW_ROWS_ABOVE = 200;
/** Rows drawn or skipped together: one table body each. */
export const ROWS_PER_CHUNK = 25;
/** A row's height before it was ever drawn (once drawn, its chunk keeps its measured height). */
const ESTIMATED_ROW_PX = 44;
/** Within one screen height above or below the visible part counts as near, so scrolling finds rows drawn. */
export const NEAR_SCREEN = "100% 0px";

/** `items` in runs of `size` (the last may be shorter). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface ChunkProps<T> {
  items: readonly T[];
  columns: number;
  row: (item: T) => ReactNode;
}

/**
 * One run of rows, drawn while near the screen and otherwise one empty row of the height it had, so the
 * page keeps its length and scroll position. A run holding the keyboard focus (a weight being typed)
 * stays drawn wherever it is scrolled.
 */
function RowChunk<T>({ items, columns, row }: ChunkProps<T>) {
  const [ref, near] = useNearViewport<HTMLTableSectionElement>(NEAR_SCREEN);
  const [focused, setFocused] = useState(false);
  const [height, setHeight] = useState<number | null>(null);
  const drawn = near || focused;
  // The drawn rows' height, followed while they are drawn: what the spacer keeps when they are not.
  useEffect(() => {
    const body = ref.current;
    if (!drawn || body === null || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      const measured = body.getBoundingClientRect().height;
      setHeight((old) => (old !== null && Math.abs(old - measured) < 1 ? old : measured));
    });
    observer.observe(body);
    return () => observer.disconnect();
  }, [drawn, ref]);
  return (
    <tbody
      ref={ref}
      data-testid="rs-chunk"
      data-drawn={String(drawn)}
      onFocus={() => setFocused(true)}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget)) setFocused(false);
      }}
    >
      {drawn ? (
        items.map(row)
      ) : (
        <tr className="rs-spacer" aria-hidden="true">
          <td colSpan={columns} style={{ height: height ?? items.length * ESTIMATED_ROW_PX }} />
        </tr>
      )}
    </tbody>
  );
}

/**
 * A table's rows: all of them in one body, or, when `windowed`, in runs of ROWS_PER_CHUNK of which only
 * those near the screen are drawn. With a thousand real servers open, the page then updates the few
 * dozen rows anyone can see each second instead of all of them.
 */
export function TableRows<T>({ items, columns, row, windowed }: ChunkProps<T> & { windowed: boolean }) {
  if (!windowed) return <tbody>{items.map(row)}</tbody>;
  return (
    <>
      {chunks(items, ROWS_PER_CHUNK).map((run, i) => (
        <RowChunk key={i} items={run} columns={columns} row={row} />
      ))}
    </>
  );
}
