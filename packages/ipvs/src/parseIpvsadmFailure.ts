/** What kind of failure ipvsadm reported. */
export const ipvsadmFailureKinds = ["bad-arguments", "kernel-refused", "not-found", "not-permitted", "unknown"] as const;
export type IpvsadmFailureKind = (typeof ipvsadmFailureKinds)[number];

/** A failed ipvsadm run, explained for the operator. */
export interface IpvsadmFailure {
  kind: IpvsadmFailureKind;
  message: string;
  exitCode: number | null;
  /** ipvsadm's own words (stderr, trimmed). */
  detail: string;
}

// libipvs's ipvs_strerror() texts that mean "the thing you named is not there".
const NOT_FOUND = ["No such destination", "Service not defined", "No such service", "No such file or directory"];
const NOT_PERMITTED = ["Permission denied", "Operation not permitted"];
// popt's reply to an unknown option, which ipvsadm turns into exit 255.
const POPT_USAGE = "Try `ipvsadm -h'";

const EXPLANATION: Record<IpvsadmFailureKind, string> = {
  "bad-arguments": "ipvsadm rejected the command line",
  "kernel-refused": "the kernel refused the IPVS change",
  "not-found": "the virtual service or real server does not exist (any more)",
  "not-permitted": "ipvsadm needs root (CAP_NET_ADMIN)",
  unknown: "ipvsadm failed",
};

function classify(exitCode: number | null, detail: string): IpvsadmFailureKind {
  if (NOT_PERMITTED.some((text) => detail.includes(text))) return "not-permitted";
  if (NOT_FOUND.some((text) => detail.includes(text))) return "not-found";
  if (exitCode === 2 || detail.includes(POPT_USAGE)) return "bad-arguments";
  // 255 is process_options() returning -1 after the kernel said no; 1 is a listing that failed.
  if (exitCode === 255 || exitCode === 1) return "kernel-refused";
  return "unknown";
}

/** Turns ipvsadm's exit status (2 bad arguments, 255 kernel or popt, 1 listing) and stderr into a typed failure. */
export function parseIpvsadmFailure(exitCode: number | null, stderr: string): IpvsadmFailure {
  const detail = stderr.trim();
  const kind = classify(exitCode, detail);
  const status = exitCode === null ? "killed by a signal" : `exit ${exitCode}`;
  const firstLine = detail.split("\n")[0] ?? "";
  return { kind, message: `${EXPLANATION[kind]}: ${firstLine === "" ? "(no message)" : firstLine} (${status})`, exitCode, detail };
}
