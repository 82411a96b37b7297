/** The agent's version, announced in its hello. */
export const AGENT_VERSION = "0.1.0";
