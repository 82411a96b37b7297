import { describe, expect, it } from "vitest";
import { applyWeightToConfig, listConfigVirtualServers, parseConfigBlocks } from "./keepalivedConfig";

const config = `# managed by lvsdeck: weights of these real servers are set by operators
virtual_server 192.168.50.100 443 {
    delay_loop 6
    lb_algo wrr
    lb_kind DR
    persistence_timeout 120
    protocol TCP

    real_server 192.168.50.11 443 {
        weight 2   # seed weight
        inhibit_on_failure
        TCP_CHECK {
            connect_timeout 3
        }
    }
    real_server 192.168.50.12 443 {
        weight 2
        TCP_CHECK { connect_timeout 3 }
    }
}

virtual_server 192.168.50.100 53 {
    protocol UDP
    real_server 192.168.50.11 53 { weight 1 }
}

virtual_server fwmark 10 {
    lb_algo wlc
    real_server 10.0.0.13 0
    {
        MISC_CHECK { misc_path "/bin/true" }
    }
}

virtual_server 2001:db8::100 80 {
    real_server 2001:0db8:0::0021 80 {
        ! weight 7 is a comment
        weight 2
    }
}

vrrp_instance VI_1 {
    track_script {
        chk weight -20
    }
}
`;

describe("applyWeightToConfig", () => {
  it("changes only the weight of the named real server, keeping comments and layout", () => {
    const result = applyWeightToConfig(config, "TCP 192.168.50.100:443", "192.168.50.11:443", 5);
    expect(result).toEqual({ ok: true, text: config.replace("weight 2   # seed weight", "weight 5   # seed weight"), previous: 2 });
  });

  it("tells TCP and UDP services on the same address apart by their protocol line", () => {
    const result = applyWeightToConfig(config, "UDP 192.168.50.100:53", "192.168.50.11:53", 0);
    expect(result.ok && result.text).toBe(config.replace("real_server 192.168.50.11 53 { weight 1 }", "real_server 192.168.50.11 53 { weight 0 }"));
    expect(applyWeightToConfig(config, "TCP 192.168.50.100:53", "192.168.50.11:53", 0)).toEqual({ ok: false, error: "virtual_server for TCP 192.168.50.100:53 is not in the weights file" });
  });

  it("adds a weight line to a real server that has none, in a block opened on the next line", () => {
    const result = applyWeightToConfig(config, "FWM 10", "10.0.0.13:0", 4);
    expect(result.ok && result.text).toContain("real_server 10.0.0.13 0\n    {\n        weight 4\n        MISC_CHECK");
    expect(result.ok && result.previous).toBeNull();
  });

  it("matches IPv6 addresses however they are written and ignores commented-out weights", () => {
    const result = applyWeightToConfig(config, "TCP [2001:db8::100]:80", "[2001:db8::21]:80", 9);
    expect(result.ok && result.text).toContain("! weight 7 is a comment\n        weight 9\n");
  });

  it("never touches weights outside real_server blocks", () => {
    const result = applyWeightToConfig(config, "TCP 192.168.50.100:443", "192.168.50.12:443", 1);
    expect(result.ok && result.text).toContain("chk weight -20");
    expect(result.ok && result.text.split("\n").filter((l) => l.includes("weight")).length).toBe(config.split("\n").filter((l) => l.includes("weight")).length);
  });

  it("refuses a real server the file does not hold, and a duplicated one", () => {
    expect(applyWeightToConfig(config, "TCP 192.168.50.100:443", "192.168.50.99:443", 1)).toEqual({
      ok: false,
      error: "real_server 192.168.50.99:443 of TCP 192.168.50.100:443 is not in the weights file",
    });
    const doubled = `${config}\nvirtual_server 192.168.50.100 443 {\n}\n`;
    expect(applyWeightToConfig(doubled, "TCP 192.168.50.100:443", "192.168.50.11:443", 1)).toMatchObject({ ok: false });
  });

  it("round-trips: a rewrite followed by the old weight gives the original text back", () => {
    const there = applyWeightToConfig(config, "TCP 192.168.50.100:443", "192.168.50.12:443", 65535);
    if (!there.ok) throw new Error(there.error);
    expect(applyWeightToConfig(there.text, "TCP 192.168.50.100:443", "192.168.50.12:443", 2)).toEqual({ ok: true, text: config, previous: 65535 });
  });
});

describe("listConfigVirtualServers", () => {
  it("keys services and real servers the way ipvsadm names them", () => {
    const servers = listConfigVirtualServers(parseConfigBlocks(config));
    expect(servers.map((s) => [s.serviceKey, s.realServers.map((r) => r.realServerKey)])).toEqual([
      ["TCP 192.168.50.100:443", ["192.168.50.11:443", "192.168.50.12:443"]],
      ["UDP 192.168.50.100:53", ["192.168.50.11:53"]],
      ["FWM 10", ["10.0.0.13:0"]],
      ["TCP [2001:db8::100]:80", ["[2001:db8::21]:80"]],
    ]);
  });
});
