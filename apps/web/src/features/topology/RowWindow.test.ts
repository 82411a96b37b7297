import { describe, expect, it } from "vitest";
import { chunks } from "./RowWindow";

describe("chunks", () => {
  it("cuts rows into runs, the last one shorter", () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 3)).toEqual([]);
  });
});
