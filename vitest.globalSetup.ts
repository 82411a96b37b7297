import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Every temp folder a test makes (hub data dirs, PostgreSQL and NATS stores, fake directors) goes under
 * one folder for the run, removed when the run ends, so runs leave nothing in /tmp whatever a test forgets.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "lvsdeck-vitest-"));
  // As /tmp is: PostgreSQL's initdb runs as its own user and must reach the folders made inside.
  chmodSync(root, 0o1777);
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
