import type { ConnectionSync } from "@lvsdeck/protocol";
import type { GroupMember } from "./topologyModel";
import { formatAge, staleReasonText } from "../../lib/freshness";
import { formatClock } from "../../lib/time";
import { checkerProcessText } from "./checkerText";
import { unreadableValues } from "./unreadableValues";
import { normalizeVip } from "@lvsdeck/cluster";

/** How a state is drawn: green-ish only for a current MASTER, red for FAULT/STOP, grey when stale. */
function stateTone(member: GroupMember): string {
  if (member.freshness.stale) return "stale";
  switch (member.state) {
    case "MASTER":
      return "master";
    case "BACKUP":
      return "backup";
    case "FAULT":
    case "STOP":
    case "DELETED":
      return "fault";
    default:
      return "unknown";
  }
}

function vipNote(member: GroupMember): { text: string; warn: boolean } | null {
  const snapshot = member.view.snapshot;
  const instance = member.instance;
  if (snapshot === null || instance === null || instance.vips.length === 0) return null;
  const present = new Set(snapshot.vipsPresent.map(normalizeVip));
  const held = instance.vips.map(normalizeVip).filter((v) => present.has(v));
  const master = member.state === "MASTER";
  if (held.length === 0) return { text: "not held", warn: master };
  return { text: held.length === instance.vips.length ? "held" : `${held.length} of ${instance.vips.length} held`, warn: !master };
}

/** The director's sync daemons (`ipvsadm -L --daemon`) and entries by origin; null when it does not report them. */
function syncDaemonsText(sync: ConnectionSync | undefined): { text: string; title: string } | null {
  if (sync === undefined) return null;
  if (sync.daemons === null) return { text: "not known", title: "the agent could not list the sync daemons (no ipvsadm source, or the listing failed)" };
  if (sync.daemons.length === 0) return { text: "no daemon", title: "no IPVS connection sync daemon runs on this director" };
  const daemons = sync.daemons.map((d) => `${d.role} (${d.interface}, id ${d.syncId})`).join(", ");
  const entries = sync.entries === null ? "" : ` · ${sync.entries.local.toLocaleString("en-US")} local, ${sync.entries.synced.toLocaleString("en-US")} synced`;
  return { text: `${daemons}${entries}`, title: "ipvsadm -L --daemon; entries from /proc/net/ip_vs_conn_sync (templates apart)" };
}

/** One director within a VRRP instance: state, priority and the age of its data. */
export function DirectorCard({ member }: { member: GroupMember }) {
  const { view, instance, state, freshness } = member;
  const tone = stateTone(member);
  const vip = freshness.stale ? null : vipNote(member);
  const checker = checkerProcessText(view.snapshot?.keepalived.checker);
  const unreadable = unreadableValues(view.snapshot);
  const sync = freshness.stale ? null : syncDaemonsText(view.snapshot?.connectionSync);
  return (
    <article
      className={`director tone-${tone}`}
      data-testid="director"
      data-director={view.id}
      data-state={state}
      data-stale={String(freshness.stale)}
    >
      <header className="director-head">
        <h3 className="director-id">{view.id}</h3>
        {freshness.stale ? (
          <span className="badge badge-stale">stale</span>
        ) : (
          <span className={`badge badge-${tone}`}>{state}</span>
        )}
      </header>
      {freshness.stale && (
        <p className="director-stale-note">
          {freshness.reason === null ? "stale" : staleReasonText[freshness.reason]} — last reported {state}
        </p>
      )}
      <dl className="director-facts">
        {instance !== null && (
          <div>
            <dt>priority</dt>
            <dd title="effective / base priority">
              {instance.effectivePriority}/{instance.basePriority}
            </dd>
          </div>
        )}
        <div>
          <dt>data</dt>
          <dd className={freshness.stale ? "age age-stale" : "age"} title={`stale after ${(freshness.thresholdMs / 1000).toFixed(1)} s`}>
            {formatAge(freshness.ageMs)}
          </dd>
        </div>
        {vip !== null && (
          <div>
            <dt>VIP</dt>
            <dd className={vip.warn ? "warn" : undefined}>{vip.text}</dd>
          </div>
        )}
        {instance?.lastTransitionAt != null && (
          <div>
            <dt>since</dt>
            <dd>{formatClock(instance.lastTransitionAt)}</dd>
          </div>
        )}
        {sync !== null && (
          <div>
            <dt>sync</dt>
            <dd data-testid="director-sync" title={sync.title}>
              {sync.text}
            </dd>
          </div>
        )}
        {view.snapshot !== null && !view.snapshot.keepalived.running && (
          <div>
            <dt>keepalived</dt>
            <dd className="warn">not running</dd>
          </div>
        )}
        {view.snapshot?.keepalived.running === true && checker !== null && (
          <div>
            <dt>checker</dt>
            <dd className="warn" data-testid="checker-process">
              {checker}
            </dd>
          </div>
        )}
      </dl>
      {view.badData != null && (
        <p className="director-bad-data warn" data-testid="director-bad-data" title={`last at ${formatClock(view.badData.lastAt)}`}>
          sending bad data: {view.badData.count} frame{view.badData.count === 1 ? "" : "s"} refused or corrected since it connected; last: {view.badData.lastReason}
        </p>
      )}
      {unreadable.length > 0 && (
        <details className="director-unreadable warn" data-testid="director-unreadable">
          <summary>
            {unreadable.length} value{unreadable.length === 1 ? "" : "s"} could not be read (objects kept, flagged)
          </summary>
          <ul>
            {unreadable.map((u, i) => (
              <li key={`${u.object}|${u.field}|${i}`}>
                {u.object}: {u.field} = <code>{u.raw}</code> — {u.message}
              </li>
            ))}
          </ul>
        </details>
      )}
    </article>
  );
}
