import { useLiveStatus, useServerNow } from "./live/useLive";
import { useNow } from "./lib/useNow";
import { formatHms, setZoneMode, useZoneMode, zoneLabel, zoneTag } from "./lib/time";
import { UI_PROTOCOL_VERSION } from "@lvsdeck/protocol";
import type { LiveStatus } from "./live/liveStatus";
import { Link } from "./lib/router";
import { routes, type RouteId } from "./routes";
import { useSession } from "./features/auth/sessionQuery";
import { sessionCan } from "./features/auth/permissions";
import { SessionMenu } from "./features/auth/SessionMenu";

function connectionText(status: LiveStatus, now: number): string {
  switch (status.connection) {
    case "open":
      return "live";
    case "connecting":
      return "connecting…";
    case "closed":
      return status.retryAt === null ? "offline" : `offline — retrying in ${Math.max(0, Math.ceil((status.retryAt - now) / 1000))} s`;
    case "incompatible":
      return `hub speaks protocol ${status.hubProtocolVersion ?? "?"}, this page ${UI_PROTOCOL_VERSION}: reload the page`;
  }
}

/** Title, pages, hub clock, the state of the live feed and who is signed in. */
export function AppHeader({ route }: { route: RouteId | null }) {
  const session = useSession();
  const pages = (Object.keys(routes) as RouteId[]).filter((id) => id !== "admin" || sessionCan(session, "admin"));
  const status = useLiveStatus();
  const now = useNow();
  const hubNow = useServerNow();
  const zone = useZoneMode();
  return (
    <header className="app-header">
      <h1>lvsdeck</h1>
      <span className="subtitle">LVS / keepalived control room</span>
      <nav className="app-nav" aria-label="Pages">
        {pages.map((id) => (
          <Link key={id} href={routes[id].path} {...(id === route && { "aria-current": "page" as const })}>
            {routes[id].title}
          </Link>
        ))}
      </nav>
      <span className="spacer" />
      {status.badFrames > 0 && (
        <span className="bad-frames" title={status.lastBadFrame ?? undefined}>
          {status.badFrames} bad frame{status.badFrames === 1 ? "" : "s"}
        </span>
      )}
      <span className={`connection connection-${status.connection}`} data-testid="connection" data-state={status.connection} role="status">
        {connectionText(status, now)}
      </span>
      <time className="hub-clock" title={`hub time, ${zoneLabel(hubNow, zone)}`}>
        {formatHms(hubNow, zone)}
      </time>
      <button
        type="button"
        className="zone-switch"
        data-testid="zone-switch"
        aria-pressed={zone === "utc"}
        title={`Times are shown in ${zoneLabel(hubNow, zone)}. Switch to ${zone === "utc" ? "this browser's zone" : "UTC"}.`}
        onClick={() => setZoneMode(zone === "utc" ? "local" : "utc")}
      >
        {zoneTag(hubNow, zone)}
      </button>
      {session !== null && <SessionMenu session={session} />}
    </header>
  );
}
