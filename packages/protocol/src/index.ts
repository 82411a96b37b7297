/** Wire version; bump on any incompatible change to a schema below. */
export const PROTOCOL_VERSION = 2;

export * from "./ids";
export * from "./model";
export * from "./events";
export * from "./agentMessages";
export * from "./hubModel";
export * from "./uiMessages";
export * from "./rest";
export * from "./parse";
export * from "./ingest";
export * from "./delta";
export * from "./listChanges";
export * from "./alerts";
export * from "./verdicts";
export * from "./summary";
export * from "./connections";
export * from "./auth";
export * from "./vrrpEvidence";
export * from "./connectionSync";
export * from "./plannedFailover";
export * from "./incidents";
