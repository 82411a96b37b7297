import type { DirectorSnapshot, ObjectIssue } from "@lvsdeck/protocol";

/** One value a director reported that could not be read, with the object that holds it. */
export interface UnreadableValue extends ObjectIssue {
  /** The object in the operator's words, e.g. `service TCP 10.0.0.1:80 real server 10.0.0.2:80`. */
  object: string;
}

/** Every value of a director's snapshot that the hub flagged as unreadable, service by service, then VRRP. */
export function unreadableValues(snapshot: DirectorSnapshot | null): UnreadableValue[] {
  if (snapshot === null) return [];
  const found: UnreadableValue[] = [];
  for (const service of snapshot.services) {
    for (const issue of service.issues ?? []) found.push({ object: `service ${service.key}`, ...issue });
    for (const rs of service.realServers) {
      for (const issue of rs.issues ?? []) found.push({ object: `service ${service.key} real server ${rs.key}`, ...issue });
    }
  }
  for (const instance of snapshot.vrrp) {
    for (const issue of instance.issues ?? []) found.push({ object: `VRRP instance ${instance.name}`, ...issue });
  }
  return found;
}
