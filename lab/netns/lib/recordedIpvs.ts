// IPVS for the netns lab, whose kernel has none: the real ipvsadm captures of
// packages/ipvs/fixtures/real (Debian's 6.1 kernel, ipvsadm 1.31) with their addresses moved into the
// lab's ranges, so the recorded services sit under the lab's keepalived VIPs. Pure: text in, text out.

/** The capture's VIP (TCP :80 wrr persistent, UDP :53 rr); it becomes the lab's first VIP. */
export const CAPTURED_VIP = "10.0.0.100";
/** The address the capture's firewall-mark traffic went to (`-Lnc` only); not a lab VIP. */
const CAPTURED_FWMARK_ADDRESS = "10.0.0.101";
/** Where that address goes in the lab. */
export const LAB_FWMARK_ADDRESS = "198.51.100.150";

/** The capture files the agent's ipvsadm source reads, by the argv that printed them. */
export const CAPTURES = {
  "-Ln": "ipvsadm-Ln.txt",
  "-Ln --stats --exact": "ipvsadm-Ln-stats-exact.txt",
  "-Ln --rate --exact": "ipvsadm-Ln-rate-exact.txt",
  "-Ln --thresholds": "ipvsadm-Ln-thresholds.txt",
  "-Ln --persistent-conn": "ipvsadm-Ln-persistent-conn.txt",
  "-L --timeout": "ipvsadm-Ln-timeout.txt",
  "-Lnc": "ipvsadm-Lnc.txt",
} as const;

/** An argv the recorded ipvsadm answers. */
export type CapturedListing = keyof typeof CAPTURES;

/**
 * Moves one capture's addresses into the lab: 10.0.0.100 to `vips[0]`, the real servers 10.0.0.N to
 * 203.0.113.N and the clients 192.168.50.N to 203.0.113.(100 + N). Services of the captured VIP (and
 * their `-Lnc` entries) are repeated for every further VIP, so each VRRP instance has services behind
 * it. IPv6 (2001:db8::/32) and firewall-mark services are kept as captured.
 */
export function rewriteCapture(text: string, vips: readonly string[]): string {
  const [first, ...more] = vips;
  if (first === undefined) throw new Error("rewriteCapture needs at least one VIP");
  const out: string[] = [];
  for (const block of blocksOf(text)) {
    out.push(moveAddresses(block, first));
    if (isServiceOf(block, CAPTURED_VIP)) for (const vip of more) out.push(moveAddresses(block, vip));
  }
  return out.join("\n");
}

/**
 * Splits a listing into blocks: a header line alone, or a service / connection line with the
 * `  -> ` real-server lines under it.
 */
function blocksOf(text: string): string[] {
  const blocks: string[] = [];
  for (const line of text.split("\n")) {
    const last = blocks.length - 1;
    if (line.startsWith("  -> ") && last >= 0 && /^(TCP|UDP|SCTP|FWM|IP) /.test(blocks[last] ?? "")) blocks[last] += `\n${line}`;
    else blocks.push(line);
  }
  return blocks;
}

/** True when the block's first line is a service of `vip` (`-Ln`) or a connection to it (`-Lnc`). */
function isServiceOf(block: string, vip: string): boolean {
  const first = block.split("\n")[0] ?? "";
  return /^(TCP|UDP|SCTP) /.test(first) && first.split(/\s+/).some((field) => field.startsWith(`${vip}:`));
}

function moveAddresses(block: string, vip: string): string {
  return block
    .replace(/\b10\.0\.0\.(\d{1,3})\b/g, (_, n: string) => {
      if (`10.0.0.${n}` === CAPTURED_VIP) return vip;
      if (`10.0.0.${n}` === CAPTURED_FWMARK_ADDRESS) return LAB_FWMARK_ADDRESS;
      return `203.0.113.${n}`;
    })
    .replace(/\b192\.168\.50\.(\d{1,3})\b/g, (_, n: string) => `203.0.113.${100 + Number(n)}`);
}
