import { describe, expect, it } from "vitest";
import type { Alert, DirectorView } from "@lvsdeck/protocol";
import { createMetrics } from "./index";
import { T0, connectionSync, director, realServer, seedCluster, service, SEED_VIP } from "@lvsdeck/cluster/fixtures";
import { alertOfVerdict, deriveVerdicts } from "@lvsdeck/cluster";

const SVC = `director="lvs-dir-01",service="TCP 192.168.50.100:443"`;
const RS11 = `${SVC},real_server="192.168.50.11:443"`;
const RS12 = `${SVC},real_server="192.168.50.12:443"`;

function busyService(servers = [realServer("192.168.50.11", 443, { activeConns: 7, inactiveConns: 3 }), realServer("192.168.50.12", 443, { health: "unknown", weight: 0 })]) {
  return {
    ...service(SEED_VIP, 443, servers),
    stats: { conns: 1234, inPkts: 5000, outPkts: 0, inBytes: 640_000, outBytes: 0 },
    rates: { cps: 12, inPps: 80, outPps: 0, inBps: 9600, outBps: 0 },
  };
}

function fleet(servers?: Parameters<typeof busyService>[0]): DirectorView[] {
  return seedCluster({ dir01: { services: [busyService(servers)], receivedAt: T0 - 2500 } });
}

async function scrape(directors: DirectorView[], alerts: Alert[] = deriveVerdicts({ directors, now: T0, recentTransitions: [], drains: [] }).map(alertOfVerdict)) {
  const metrics = createMetrics({ defaultMetrics: false });
  return { metrics, text: await metrics.render(directors, alerts, T0) };
}

describe("metrics text for the seed cluster", () => {
  it("exposes VRRP, director, service, real server and alert series", async () => {
    const { text } = await scrape(fleet());
    const lines = text.split("\n");
    expect(lines).toEqual(
      expect.arrayContaining([
        `lvsdeck_vrrp_state{director="lvs-dir-01",vrrp_instance="VI_88",vrid="88",state="MASTER"} 1`,
        `lvsdeck_vrrp_state{director="lvs-dir-01",vrrp_instance="VI_88",vrid="88",state="BACKUP"} 0`,
        `lvsdeck_vrrp_state{director="lvs-dir-02",vrrp_instance="VI_88",vrid="88",state="BACKUP"} 1`,
        `lvsdeck_vrrp_priority{director="lvs-dir-01",vrrp_instance="VI_88",vrid="88"} 200`,
        `lvsdeck_director_connected{director="lvs-dir-02"} 1`,
        `lvsdeck_director_stale{director="lvs-dir-01"} 0`,
        `lvsdeck_director_data_age_seconds{director="lvs-dir-01"} 2.5`,
        `lvsdeck_director_vip_present{director="lvs-dir-01",vip="192.168.50.100"} 1`,
        "# TYPE lvsdeck_service_connections_total counter",
        `lvsdeck_service_connections_total{${SVC}} 1234`,
        `lvsdeck_service_in_bytes_total{${SVC}} 640000`,
        `lvsdeck_service_active_connections{${SVC}} 7`,
        `lvsdeck_service_connections_per_second{${SVC}} 12`,
        `lvsdeck_service_in_bytes_per_second{${SVC}} 9600`,
        `lvsdeck_real_server_weight{${RS11}} 2`,
        `lvsdeck_real_server_active_connections{${RS11}} 7`,
        `lvsdeck_real_server_health{${RS11}} 1`,
        `lvsdeck_real_server_health{${RS12}} -1`,
        // 192.168.50.12 is at weight 0: one of the two real servers takes new connections.
        `lvsdeck_service_real_servers{${SVC}} 2`,
        `lvsdeck_service_real_servers_taking_connections{${SVC}} 1`,
        `lvsdeck_alert_active{rule="tables-differ",severity="warning"} 1`,
        `lvsdeck_alert_active{rule="split-brain",severity="critical"} 0`,
        "lvsdeck_hub_agents_connected 2",
      ]),
    );
  });

  it("exposes connection sync daemons and entries by origin, and nothing for a director that does not report them", async () => {
    const directors = seedCluster({
      dir01: { connectionSync: connectionSync([["master", 88]], { local: 120, synced: 0 }) },
      dir02: { connectionSync: connectionSync([]) },
    });
    const { text } = await scrape([...directors, director("lvs-dir-03")]);
    expect(text.split("\n")).toEqual(
      expect.arrayContaining([
        `lvsdeck_sync_daemon_running{director="lvs-dir-01",role="master"} 1`,
        `lvsdeck_sync_daemon_running{director="lvs-dir-01",role="backup"} 0`,
        `lvsdeck_sync_daemon_running{director="lvs-dir-02",role="backup"} 0`,
        `lvsdeck_sync_connection_entries{director="lvs-dir-01",origin="local"} 120`,
        `lvsdeck_sync_connection_entries{director="lvs-dir-01",origin="synced"} 0`,
      ]),
    );
    expect(text).not.toMatch(/lvsdeck_sync_connection_entries\{director="lvs-dir-02"/);
    expect(text).not.toMatch(/lvsdeck_sync_\w+\{director="lvs-dir-03"/);
  });

  it("counts the hub's protocol errors and UI clients, and times transitions' fan-out", async () => {
    const { metrics } = await scrape(fleet());
    metrics.hub.protocolError();
    metrics.hub.syncProtocolErrors(3);
    metrics.hub.syncProtocolErrors(2);
    metrics.hub.setUiClients(5);
    metrics.hub.transitionFannedOut(42);
    const text = await metrics.render([], [], T0);
    expect(text).toContain('lvsdeck_hub_transition_fanout_seconds_bucket{le="0.04"} 0\n');
    expect(text).toContain('lvsdeck_hub_transition_fanout_seconds_bucket{le="0.05"} 1\n');
    expect(text).toContain("lvsdeck_hub_transition_fanout_seconds_sum 0.042\n");
    expect(text).toContain("lvsdeck_hub_protocol_errors_total 3\n");
    expect(text).toContain("lvsdeck_hub_ui_clients 5\n");
    expect(text).toContain("lvsdeck_hub_agents_connected 0\n");
  });

  it("includes Node's process metrics by default", async () => {
    const text = await createMetrics().render([], [], T0);
    expect(text).toContain("# TYPE process_cpu_user_seconds_total counter");
  });
});

describe("vanished subjects", () => {
  it("drops a removed real server's series on the next update", async () => {
    const { metrics, text } = await scrape(fleet());
    expect(text).toContain(RS12);
    const after = await metrics.render(fleet([realServer("192.168.50.11", 443)]), [], T0 + 1000);
    expect(after).toContain(RS11);
    expect(after).not.toContain(RS12);
    expect(after).toContain(`director="lvs-dir-02",service="TCP 192.168.50.100:443",real_server="192.168.50.12:443"`);
  });

  it("keeps only director-level series for a stale director and none for a forgotten one", async () => {
    const { metrics } = await scrape(fleet());
    const stale = seedCluster({ dir01: { services: [busyService()], stale: true, receivedAt: T0 - 10_000 } });
    const text = await metrics.render(stale, [], T0);
    expect(text).toContain(`lvsdeck_director_stale{director="lvs-dir-01"} 1`);
    expect(text).toContain(`lvsdeck_director_data_age_seconds{director="lvs-dir-01"} 10`);
    expect(text).not.toMatch(/lvsdeck_(vrrp|service|real_server)_\w+\{director="lvs-dir-01"/);
    const gone = await metrics.render(stale.slice(1), [], T0);
    expect(gone).not.toContain("lvs-dir-01");
  });

  it("writes a large fleet's series in slices, serving the event loop in between, and loses none", async () => {
    // 40 directors x 5 services x 50 real servers: 10,000 real servers, 50,000 real server lines.
    const big = Array.from({ length: 40 }, (_, d) =>
      director(`lvs-dir-${d}`, {
        receivedAt: T0,
        services: Array.from({ length: 5 }, (_, s) => service(`198.51.100.${s + 1}`, 80, Array.from({ length: 50 }, (_, r) => realServer(`203.0.113.${r + 1}`, 80 + s)))),
      }),
    );
    let turns = 0;
    let serving = true;
    const turn = () => {
      turns++;
      if (serving) setImmediate(turn);
    };
    setImmediate(turn);
    const text = await createMetrics({ defaultMetrics: false }).render(big, [], T0);
    serving = false;
    // Without slices the whole scrape is one turn of the loop: agents' frames would wait behind it.
    expect(turns).toBeGreaterThan(10);
    expect(text.split("\n").filter((l) => l.startsWith("lvsdeck_real_server_weight{"))).toHaveLength(10_000);
    expect(text.split("\n").filter((l) => l.startsWith("lvsdeck_service_active_connections{"))).toHaveLength(200);

    // Served as it is made: chunks of a few thousand lines, never the whole 50,000-line body at once.
    const chunks: string[] = [];
    for await (const chunk of createMetrics({ defaultMetrics: false }).exposition(big, [], T0)) chunks.push(chunk);
    expect(chunks.join("")).toBe(text);
    expect(chunks.length).toBeGreaterThan(25);
    expect(Math.max(...chunks.map((c) => c.split("\n").length))).toBeLessThan(2_200);
  });
});

