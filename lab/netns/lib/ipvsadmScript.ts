// The netns lab's `ipvsadm`: a small sh script per director that prints the recorded listings
// (recordedIpvs.ts) and applies `ipvsadm -e` weights to its own state file, so weight sliders work;
// anything else it refuses the way ipvsadm does. The agent runs it with `--ipvsadm PATH`, as it would
// run /sbin/ipvsadm. Shell and awk, not node: the agent runs six listings per tick per director.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CAPTURES, rewriteCapture } from "./recordedIpvs";
import type { CapturedListing } from "./recordedIpvs";

/** Real ipvsadm output captured from a real IPVS kernel. */
export const CAPTURE_DIR = fileURLToPath(new URL("../../../packages/ipvs/fixtures/real", import.meta.url));

/** Field of the weight in a real-server row (`-> RIP:PORT Forward Weight …` / `-> RIP:PORT Weight …`). */
const WEIGHT_FIELD: Partial<Record<CapturedListing, number>> = { "-Ln": 4, "-Ln --persistent-conn": 3 };

const fileOf = (listing: CapturedListing) => `${listing.replace(/[^A-Za-z]+/g, "_").replace(/^_+/, "")}.txt`;

const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;

/** The script's text for a state folder `dir` holding the listings (pure, for the tests). */
export function ipvsadmScriptText(dir: string): string {
  const cases = (Object.keys(CAPTURES) as CapturedListing[]).map((listing) => {
    const field = WEIGHT_FIELD[listing];
    return `  ${quote(listing)}) ${field === undefined ? `cat "$D/${fileOf(listing)}"` : `with_weights "$D/${fileOf(listing)}" ${field}`} ;;`;
  });
  return `#!/bin/sh
# ipvsadm for the lvsdeck netns lab: recorded real output (this kernel has no IPVS). Generated.
D=${quote(dir)}
# Prints a listing with the weights set by -e (last one wins) in field $2 of real-server rows.
with_weights() {
  awk -v field="$2" -v file="$D/weights" '
    BEGIN { while ((getline line < file) > 0) { split(line, f, " "); w[f[1] " " f[2] " " f[3]] = f[4] } }
    /^(TCP|UDP|SCTP|FWM) / { service = $1 " " $2 }
    /^  -> / && ((service " " $2) in w) { $field = w[service " " $2]; print "  " $0; next }
    { print }' "$1"
}
case "$*" in
${cases.join("\n")}
  "-e "*)
    service=; rs=; weight=
    shift
    while [ $# -gt 0 ]; do
      case "$1" in
        -t) service="TCP $2"; shift ;;
        -u) service="UDP $2"; shift ;;
        --sctp-service) service="SCTP $2"; shift ;;
        -f) service="FWM $2"; shift ;;
        -r) rs="$2"; shift ;;
        -w) weight="$2"; shift ;;
        -x|-y|--tun-type|--tun-port) shift ;;
      esac
      shift
    done
    # As the kernel answers an edit of a real server it does not have.
    if ! awk -v s="$service" -v r="$rs" '/^(TCP|UDP|SCTP|FWM) / { c = $1 " " $2 } /^  -> / && c == s && $2 == r { found = 1 } END { exit !found }' "$D/${fileOf("-Ln")}"; then
      echo "No such destination" >&2; exit 255
    fi
    case "$weight" in ''|*[!0-9]*) echo "illegal weight specified" >&2; exit 2 ;; esac
    echo "$service $rs $weight" >> "$D/weights" ;;
  *)
    echo "lvsdeck netns lab: this ipvsadm only prints recorded listings and edits weights (-e); real IPVS is in the VM lab (npm run lab:vm)" >&2
    echo "Try \\\`ipvsadm -h' or 'ipvsadm --help' for more information." >&2
    exit 255 ;;
esac
`;
}

/** Writes one director's recorded listings (its VIPs: `vips`) and its ipvsadm script; returns the script's path. */
export function writeRecordedIpvsadm(dir: string, vips: readonly string[]): string {
  mkdirSync(dir, { recursive: true });
  for (const [listing, capture] of Object.entries(CAPTURES) as Array<[CapturedListing, string]>) {
    writeFileSync(join(dir, fileOf(listing)), rewriteCapture(readFileSync(join(CAPTURE_DIR, capture), "utf8"), vips));
  }
  const script = join(dir, "ipvsadm");
  writeFileSync(script, ipvsadmScriptText(dir));
  chmodSync(script, 0o755);
  return script;
}
