import { describe, expect, it } from "vitest";
import { UNDO_WINDOW_MS, draftText, keyIntent, undoSecondsLeft } from "./weightDraft";

describe("weight drafts", () => {
  it("says what Apply would do, and where", () => {
    expect(draftText(2, 5, ["lvs-dir-01", "lvs-dir-02"])).toBe("2 → 5 on lvs-dir-01, lvs-dir-02");
    expect(draftText(10, 0, ["lvs-dir-01"])).toBe("10 → 0 (drain) on lvs-dir-01");
    expect(draftText(1, 3, [])).toBe("1 → 3");
  });

  it("lets only Enter and Escape act: Home, End and arrows only move the draft", () => {
    expect(keyIntent("Enter")).toBe("apply");
    expect(keyIntent("Escape")).toBe("discard");
    for (const key of ["Home", "End", "ArrowLeft", "ArrowRight", "PageUp", "PageDown"]) expect(keyIntent(key)).toBeNull();
  });

  it("offers Undo for 30 s after a change applied", () => {
    const undoable = { from: 2, to: 5, drain: false, appliedAt: 1_000 };
    expect(undoSecondsLeft(undoable, 1_000)).toBe(30);
    expect(undoSecondsLeft(undoable, 1_000 + UNDO_WINDOW_MS - 1)).toBe(1);
    expect(undoSecondsLeft(undoable, 1_000 + UNDO_WINDOW_MS)).toBeNull();
    expect(undoSecondsLeft(null, 0)).toBeNull();
  });
});
