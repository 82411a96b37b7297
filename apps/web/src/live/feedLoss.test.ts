import { describe, expect, it } from "vitest";
import { feedLoss, retryText } from "./feedLoss";
import { initialLiveStatus, type LiveStatus } from "./liveStatus";

const now = 1_800_000_000_000;
const status = (patch: Partial<LiveStatus>): LiveStatus => ({ ...initialLiveStatus, ...patch });

describe("feedLoss", () => {
  it("is nothing while live or before the first attempt has ended", () => {
    expect(feedLoss(status({ connection: "open" }), now)).toBeNull();
    expect(feedLoss(status({ connection: "connecting" }), now)).toBeNull();
  });

  it("counts down to the next try between attempts and says so during one, keeping when it was lost", () => {
    const waiting = feedLoss(status({ connection: "closed", retryAt: now + 3_200, offlineSince: now - 60_000 }), now);
    expect(waiting).toEqual({ since: now - 60_000, nextTryInS: 4 });
    expect(retryText(waiting!)).toBe("next try in 4 s");
    const trying = feedLoss(status({ connection: "connecting", offlineSince: now - 60_000 }), now);
    expect(trying).toEqual({ since: now - 60_000, nextTryInS: null });
    expect(retryText(trying!)).toBe("trying now");
  });
});
