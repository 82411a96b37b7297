/** One virtual IP as keepalived prints it in both dumps, e.g. `198.51.100.100/24 dev eth0 scope global set`. */
export interface VipEntry {
  readonly address: string;
  readonly prefixLength: number | null;
  /** True when keepalived says the address is currently installed on the interface (` set`). */
  readonly installed: boolean;
}

/** Parses one VIP entry; returns null for text that does not start with an address. */
export function parseVip(text: string): VipEntry | null {
  const trimmed = text.trim();
  const first = trimmed.split(/\s+/, 1)[0] ?? "";
  const match = /^([0-9A-Fa-f.:]+)(?:\/(\d{1,3}))?$/.exec(first);
  if (!match?.[1]) return null;
  return {
    address: match[1],
    prefixLength: match[2] === undefined ? null : Number(match[2]),
    // format_ipaddress() appends " set" last, after scope/label/broadcast.
    installed: /\sset$/.test(trimmed),
  };
}
