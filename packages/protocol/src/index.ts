/** The agents' wire version (agent <-> hub); bump on any incompatible change to the agents' messages. */
export const PROTOCOL_VERSION = 2;
/**
 * The browsers' wire version (hub <-> web app), told in the hello of /ws/ui; bump on any incompatible
 * change to the browsers' messages. A page open across a hub upgrade that changed it is asked to reload;
 * agents are not affected. 3: counters frames list services by position, with a fingerprint of their keys.
 */
export const UI_PROTOCOL_VERSION = 3;

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
