import { AppHeader } from "./AppHeader";
import { TopologyView } from "./features/topology/TopologyView";
import { SimulationPanel } from "./features/simulation/SimulationPanel";
import { EventList } from "./features/events/EventList";
import { AlertList } from "./features/events/AlertList";
import { TimelineView } from "./features/timeline/TimelineView";
import { IncidentsView } from "./features/incidents/IncidentsView";
import { ConnectionsView } from "./features/connections/ConnectionsView";
import { WallView } from "./features/wall/WallView";
import { AdminView } from "./features/admin/AdminView";
import { SessionGate } from "./features/auth/SessionGate";
import { useLiveBridge } from "./live/useLive";
import { ProtocolReloadNotice } from "./live/ProtocolReloadNotice";
import { Link, useLocation } from "./lib/router";
import { routeOf, type RouteId } from "./routes";

function Page({ route }: { route: RouteId | null }) {
  switch (route) {
    case "topology":
      return (
        <div className="layout">
          <TopologyView />
          <aside className="sidebar" aria-label="Alerts, simulation and events">
            <AlertList />
            <SimulationPanel />
            <EventList />
          </aside>
        </div>
      );
    case "timeline":
      return <TimelineView />;
    case "incidents":
      return <IncidentsView />;
    case "connections":
      return <ConnectionsView />;
    case "admin":
      return <AdminView />;
    case "wall":
    case null:
      return (
        <main className="not-found">
          <h2>No such page</h2>
          <p>
            <Link href="/">Go to the topology</Link>
          </p>
        </main>
      );
  }
}

/** The signed-in control room: one live feed, and the page the URL names. */
function ControlRoom({ route }: { route: RouteId | null }) {
  // The wall only needs summaries: a fraction of the traffic for a screen that runs for weeks.
  useLiveBridge(route === "wall" ? "summary" : "full");
  if (route === "wall") {
    return (
      <>
        <ProtocolReloadNotice />
        <WallView />
      </>
    );
  }
  return (
    <div className="app">
      <ProtocolReloadNotice />
      <AppHeader route={route} />
      <Page route={route} />
    </div>
  );
}

/** The app: the sign-in form until the hub knows who this is, then the control room. */
export function App() {
  const route = routeOf(useLocation().path);
  return (
    <SessionGate>
      <ControlRoom route={route} />
    </SessionGate>
  );
}
