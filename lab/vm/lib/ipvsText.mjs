// A deliberately independent reading of ipvsadm's text (the test's oracle): it shares no code with
// packages/ipvs, so a parser bug there cannot hide behind the same bug here.

/** `ipvsadm -Ln` + `-Ln --stats --exact` -> Map serviceKey -> { scheduler, persistence, stats, rs: Map } */
export function readTables(listText, statsText) {
  const services = new Map();
  let current = null;
  for (const line of listText.split("\n")) {
    const svc = /^(TCP|UDP|SCTP)\s+(\S+)\s+(\w+)(.*)$/.exec(line);
    if (svc) {
      const persistence = /persistent (\d+)/.exec(svc[4]);
      current = { key: `${svc[1]} ${svc[2]}`, scheduler: svc[3], persistence: persistence ? Number(persistence[1]) : null, rs: new Map() };
      services.set(current.key, current);
      continue;
    }
    const rs = /^\s+->\s+(\S+)\s+(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    if (rs && current) current.rs.set(rs[1], { forwarding: rs[2], weight: +rs[3], activeConns: +rs[4], inactiveConns: +rs[5] });
  }
  current = null;
  for (const line of statsText.split("\n")) {
    const svc = /^(TCP|UDP|SCTP)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    const rs = /^\s+->\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    const m = svc ?? rs;
    if (!m) continue;
    const [a, b, c, d, e] = (svc ? m.slice(3) : m.slice(2)).map(Number);
    const stats = { conns: a, inPkts: b, outPkts: c, inBytes: d, outBytes: e };
    if (svc) {
      current = services.get(`${svc[1]} ${svc[2]}`);
      if (current) current.stats = stats;
    } else if (current?.rs.has(m[1])) current.rs.get(m[1]).stats = stats;
  }
  return services;
}

/** `ipvsadm -Lnc` -> Map "serviceKey|rs" -> { STATE: count } (templates appear with state NONE). */
export function readConnections(text) {
  const counts = new Map();
  for (const line of text.split("\n")) {
    const m = /^(TCP|UDP|SCTP|IP)\s+\S+\s+(\S+)\s+\S+\s+(\S+)\s+(\S+)\s*$/.exec(line);
    if (!m) continue;
    const key = `${m[1]} ${m[3]}|${m[4]}`;
    const byState = counts.get(key) ?? {};
    byState[m[2]] = (byState[m[2]] ?? 0) + 1;
    counts.set(key, byState);
  }
  return counts;
}

/** Splits guest output into `@@section NAME` parts. */
export function sections(output) {
  const result = {};
  let name = null;
  for (const line of output.split("\n")) {
    const m = /^@@section (\S+)$/.exec(line);
    if (m) {
      name = name && m[1] !== name && ["stats", "list", "conns"].includes(m[1]) ? `${name.split(".")[0]}.${m[1]}` : m[1];
      result[name] = [];
    } else if (name) result[name].push(line);
  }
  return Object.fromEntries(Object.entries(result).map(([k, v]) => [k, v.join("\n")]));
}
