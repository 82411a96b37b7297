import { buildEditRealServerArgs, parseIpvsadmFailure, parseIpvsadmList, parseIpvsadmThresholds, parseIpvsadmTunInfo } from "@lvsdeck/ipvs";
import type { TunnelInfo } from "@lvsdeck/ipvs";
import type { RealServerKey, ServiceKey } from "@lvsdeck/protocol";
import { CommandFailure, runFile } from "./runFile";
import type { BinaryRef } from "./runFile";

/** Runs ipvsadm, turning a failed exit into parseIpvsadmFailure's explanation. */
async function ipvsadm(binary: BinaryRef, args: readonly string[]): Promise<string> {
  try {
    return await runFile(binary, args);
  } catch (err) {
    if (err instanceof CommandFailure) throw new Error(parseIpvsadmFailure(err.exitCode, err.stderr).message);
    throw err;
  }
}

/** The weight of one real server in a fresh `ipvsadm -Ln`. */
export async function readWeight(binary: BinaryRef, service: ServiceKey, realServer: RealServerKey): Promise<number> {
  const list = parseIpvsadmList(await ipvsadm(binary, ["-Ln"])).value;
  const found = list.services.find((s) => s.key === service)?.realServers.find((d) => d.key === realServer);
  if (found === undefined) throw new Error(`real server ${realServer} of ${service} is gone after the edit`);
  return found.weight;
}

// Tunnel options only matter for Tunnel destinations; an ipvsadm without --tun-info cannot set them either.
async function readTunnel(binary: BinaryRef, service: ServiceKey, realServer: RealServerKey): Promise<TunnelInfo | null> {
  try {
    const table = parseIpvsadmTunInfo(await runFile(binary, ["-Ln", "--tun-info"])).value;
    return table.services.find((s) => s.key === service)?.realServers.find((d) => d.key === realServer)?.tunnel ?? null;
  } catch {
    return null;
  }
}

/**
 * Sets a weight with `ipvsadm -e`, re-sending the forwarding method, thresholds and tunnel options read
 * just before (ipvsadm resets whatever it is not given), then re-reads the weight actually in effect.
 */
export async function setWeightWithIpvsadm(binary: BinaryRef, service: ServiceKey, realServer: RealServerKey, weight: number): Promise<number> {
  const [listText, thresholdsText] = await Promise.all([ipvsadm(binary, ["-Ln"]), ipvsadm(binary, ["-Ln", "--thresholds"])]);
  const svc = parseIpvsadmList(listText).value.services.find((s) => s.key === service);
  if (svc === undefined) throw new Error(`no virtual service ${service} on this director`);
  const current = svc.realServers.find((d) => d.key === realServer);
  if (current === undefined) throw new Error(`no real server ${realServer} in ${service} on this director`);
  const thresholds = parseIpvsadmThresholds(thresholdsText)
    .value.services.find((s) => s.key === service)
    ?.realServers.find((d) => d.key === realServer);
  if (thresholds === undefined) throw new Error(`real server ${realServer} of ${service} is missing from ipvsadm -Ln --thresholds; not editing blind`);
  const tunnel = current.forwarding === "Tunnel" ? await readTunnel(binary, service, realServer) : null;
  const built = buildEditRealServerArgs({
    service: svc,
    realServer: {
      address: current.address,
      port: current.port,
      forwarding: current.forwarding,
      upperThreshold: thresholds.upperThreshold,
      lowerThreshold: thresholds.lowerThreshold,
      tunnel,
    },
    weight,
  });
  if (!built.ok) throw new Error(`cannot build the ipvsadm edit: ${built.error.message}`);
  await ipvsadm(binary, built.argv);
  return readWeight(binary, service, realServer);
}
