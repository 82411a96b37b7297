import { hubToUiSchema, parseFrame, type HubToUi, type ParseOutcome } from "@lvsdeck/protocol";

/** Narrows one text frame from /ws/ui; binary frames are a protocol error too. */
export function parseHubFrame(data: unknown): ParseOutcome<HubToUi> {
  if (typeof data !== "string") return { ok: false, error: "binary frame; /ws/ui only sends text" };
  return parseFrame(hubToUiSchema, data);
}
