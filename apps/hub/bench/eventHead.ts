// How the fake browsers read an `event` frame: the fields the transition latency needs, found in the
// frame's text without parsing all of it. Two event frames reach each of the 500 fake browsers per VRRP
// transition (20,000 a second); JSON.parse of every one was 45 % of the browsers' thread's busy time in a
// CPU profile, and that thread's own delays are part of the hub -> browser figure. The hub's work is the
// same either way; a frame this cannot read is parsed whole.

/** What the fake browsers take from an event frame. */
export interface EventHead {
  type: "event";
  event: { director: string; seq: number | null; observedAt: number | null; receivedAt: number; event: { kind: string } };
}

/** Where the event's body begins: the hub writes a stored event's fields (id, director, seq, …) before it. */
const BODY = ',"event":{"kind":"';
const NUMBER = "-?[0-9][0-9.eE+-]*";
const DIRECTOR = /"director":"([^"\\]*)"/;
const SEQ = new RegExp(`"seq":(null|${NUMBER})`);
const OBSERVED_AT = new RegExp(`"observedAt":(null|${NUMBER})`);
const RECEIVED_AT = new RegExp(`"receivedAt":(${NUMBER})`);

const numberOrNull = (text: string) => (text === "null" ? null : Number(text));

/**
 * The director, seq, observedAt, receivedAt and kind of a `{"type":"event",…}` frame as the hub writes it,
 * or null when the text is not laid out that way (the caller then parses it whole).
 */
export function readEventHead(text: string): EventHead | null {
  if (!text.startsWith('{"type":"event","event":{')) return null;
  const body = text.indexOf(BODY);
  if (body < 0) return null;
  // Only the fields before the body: its own (a cause's text, say) can hold anything.
  const head = text.slice(0, body);
  const director = DIRECTOR.exec(head)?.[1];
  const seq = SEQ.exec(head)?.[1];
  const observedAt = OBSERVED_AT.exec(head)?.[1];
  const receivedAt = RECEIVED_AT.exec(head)?.[1];
  const kindEnd = text.indexOf('"', body + BODY.length);
  if (director === undefined || seq === undefined || observedAt === undefined || receivedAt === undefined || kindEnd < 0) return null;
  return { type: "event", event: { director, seq: numberOrNull(seq), observedAt: numberOrNull(observedAt), receivedAt: Number(receivedAt), event: { kind: text.slice(body + BODY.length, kindEnd) } } };
}
