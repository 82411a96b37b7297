import { AppHeader } from "./AppHeader";
import { TopologyView } from "./features/topology/TopologyView";
import { SimulationPanel } from "./features/simulation/SimulationPanel";
import { EventList } from "./features/events/EventList";
import { AlertList } from "./features/events/AlertList";
import { useLiveBridge } from "./live/useLive";

/** The control room: topology in the middle, simulation and events beside it. */
export function App() {
  useLiveBridge();
  return (
    <div className="app">
      <AppHeader />
      <div className="layout">
        <TopologyView />
        <aside className="sidebar">
          <AlertList />
          <SimulationPanel />
          <EventList />
        </aside>
      </div>
    </div>
  );
}
