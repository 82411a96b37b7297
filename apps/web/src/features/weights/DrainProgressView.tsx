import { Link, hrefWith } from "../../lib/router";
import { formatCount } from "../../lib/format";
import type { DrainProgress, PersistentDrainAdvice } from "./drain";

/** Strips the port (and IPv6 brackets) from "192.0.2.11:443" / "[2001:db8::11]:443". */
export function addressOf(key: string): string {
  const match = /^\[?([^\]]+?)\]?:\d+$/.exec(key);
  return match?.[1] ?? key;
}

/** "192.168.50.100" from "TCP 192.168.50.100:443"; null for firewall-mark services. */
export function vipOfService(service: string): string | null {
  const match = /^(?:TCP|UDP|SCTP) (.+)$/.exec(service);
  return match?.[1] === undefined ? null : addressOf(match[1]);
}

/** Connections left on a server at weight 0, with a link to who they are. */
export function DrainProgressView({ progress, service, realServer, director, advice = null }: { progress: DrainProgress; service: string; realServer: string; director: string; advice?: PersistentDrainAdvice | null }) {
  const href = hrefWith("/connections", { director, vip: vipOfService(service), realServer: addressOf(realServer) });
  return (
    <div className={`drain drain-${progress.phase}`} data-testid="drain-progress" data-left={progress.left} data-phase={progress.phase}>
      <progress max={1} value={progress.done} aria-label={`Drain of ${realServer} in ${service}`} aria-valuetext={`${formatCount(progress.left)} connections left`} />
      <span>
        {progress.phase === "drained" ? "drained · 0 left" : `draining · ${formatCount(progress.left)} left`}
        {progress.templates > 0 && ` · ${formatCount(progress.templates)} persistence template${progress.templates === 1 ? "" : "s"}`}
      </span>{" "}
      {progress.phase === "draining" && <Link href={href}>who is still on it</Link>}
      {advice !== null && (
        <p className="drain-advice" data-testid="drain-advice" role="note">
          <span data-testid="drain-why">{advice.why}</span> <span data-testid="drain-estimate">{advice.estimate}</span> <span data-testid="drain-option">{advice.option}</span>
        </p>
      )}
    </div>
  );
}
