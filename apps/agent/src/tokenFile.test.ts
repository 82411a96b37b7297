import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chooseTokenSource, readTokenFile } from "./tokenFile";

describe("chooseTokenSource", () => {
  it("prefers the command line, then LVSDECK_AGENT_TOKEN, then the config file's token-file", () => {
    const file = { "token-file": "/etc/lvsdeck/agent.token" };
    expect(chooseTokenSource({ token: "t1" }, "t2", file)).toEqual({ kind: "text", token: "t1", from: "--token" });
    expect(chooseTokenSource({ "token-file": "/root/t" }, "t2", file)).toEqual({ kind: "file", path: "/root/t", from: "--token-file" });
    expect(chooseTokenSource({}, "t2", file)).toEqual({ kind: "text", token: "t2", from: "LVSDECK_AGENT_TOKEN" });
    expect(chooseTokenSource({}, undefined, file)).toEqual({ kind: "file", path: "/etc/lvsdeck/agent.token", from: "token-file" });
    expect(chooseTokenSource({}, "", file).kind).toBe("file");
  });

  it("refuses both --token and --token-file, and no token at all", () => {
    expect(() => chooseTokenSource({ token: "t", "token-file": "/f" }, undefined, {})).toThrow("give --token or --token-file, not both");
    expect(() => chooseTokenSource({}, undefined, {})).toThrow(/^an agent token is required: --token-file PATH/);
  });
});

describe("readTokenFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "lvsdeck-token-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = (name: string, text: string, mode: number) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    chmodSync(path, mode);
    return path;
  };

  it("returns the token without its final newline from a file only its owner or group can read", async () => {
    expect(await readTokenFile(tokenFile("owner", "agt_abc123\n", 0o600))).toBe("agt_abc123");
    expect(await readTokenFile(tokenFile("group", "agt_abc123", 0o640))).toBe("agt_abc123");
  });

  it("refuses a file every user can read", async () => {
    const path = tokenFile("public", "agt_abc123\n", 0o644);
    await expect(readTokenFile(path)).rejects.toThrow(`token file ${path} is readable by every user: chmod 600 it (or 640 with the agent's group)`);
  });

  it("refuses an empty file, more than one token, and a missing file, naming the file", async () => {
    const empty = tokenFile("empty", "\n", 0o600);
    await expect(readTokenFile(empty)).rejects.toThrow(`token file ${empty} is empty`);
    const two = tokenFile("two", "agt_a\nagt_b\n", 0o600);
    await expect(readTokenFile(two)).rejects.toThrow(`token file ${two} must hold the token alone, on one line`);
    await expect(readTokenFile(join(dir, "missing"))).rejects.toThrow(/^cannot read token file .*missing: ENOENT/);
  });
});
