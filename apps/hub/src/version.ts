/** The hub's version, reported by /api/health. */
export const HUB_VERSION = "0.1.0";
