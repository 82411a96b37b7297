// The hub as it is deployed: HTTPS with a certificate it can reload, or behind a TLS proxy it trusts
// explicitly; cookies, HSTS and caching follow from which one it is.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:https";
import type { TLSSocket } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createHub, type Hub } from "../src/createHub";
import { KEEP_ALIVE_TIMEOUT_MS } from "../src/limits";
import type { ChildProcess } from "node:child_process";
import { healthResponseSchema } from "@lvsdeck/protocol";
import { TOKEN, USERS, agentBin } from "./harness";

const folder = mkdtempSync(join(tmpdir(), "lvsdeck-tls-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A self-signed certificate for 127.0.0.1, written to `name`.crt / `name`.key. */
function certificate(name: string): { certFile: string; keyFile: string; pem: string } {
  const certFile = join(folder, `${name}.crt`);
  const keyFile = join(folder, `${name}.key`);
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=${name}`, "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", keyFile, "-out", certFile], { stdio: "ignore" });
  return { certFile, keyFile, pem: execFileSync("cat", [certFile]).toString() };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  issuer: string;
  body: string;
}

function httpsCall(url: string, ca: string, method = "GET", path = "/api/health", body?: unknown): Promise<Answer> {
  const { port } = new URL(url);
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, ca, agent: false, headers: text ? { "content-type": "application/json", "content-length": Buffer.byteLength(text) } : {} }, (res) => {
      const issuer = String((res.socket as TLSSocket).getPeerCertificate().subject.CN);
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, issuer, body }));
    });
    req.on("error", reject);
    req.end(text);
  });
}

const signIn = { name: USERS.admin.name, password: USERS.admin.password };

describe("hub over TLS", () => {
  let hub: Hub;
  const first = certificate("hub-one");
  afterAll(() => hub.close());

  it("serves HTTPS with HSTS, a Secure session cookie and no-store API answers", async () => {
    hub = await createHub({ port: 0, host: "127.0.0.1", dataDir: join(folder, "data-tls"), agentTokens: [], quiet: true, users: [USERS.admin], tls: first });
    expect(hub.url).toMatch(/^https:/);
    const health = await httpsCall(hub.url, first.pem);
    expect(health.status).toBe(200);
    expect(health.headers["strict-transport-security"]).toBe("max-age=31536000");
    expect(health.headers["cache-control"]).toBe("no-store");
    const login = await httpsCall(hub.url, first.pem, "POST", "/api/session", signIn);
    expect(login.status).toBe(200);
    expect(String(login.headers["set-cookie"])).toMatch(/HttpOnly; SameSite=Strict; Max-Age=\d+; Secure/);
    const agent = new Agent({ keepAlive: true, ca: first.pem });
    const kept = await new Promise<string>((resolve, reject) => {
      request(`${hub.url}/api/health`, { agent }, (res) => {
        res.resume();
        res.on("end", () => resolve(String(res.headers["keep-alive"])));
      }).on("error", reject).end();
    });
    agent.destroy();
    expect(kept).toBe(`timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);
  });

  it("reloads a renewed certificate without a restart, and keeps the old one when the new pair is unusable", async () => {
    const renewed = certificate("hub-two");
    const files = { certFile: first.certFile, keyFile: first.keyFile };
    // Renewal writes the new pair over the old files, as certbot does.
    writeFileSync(files.certFile, renewed.pem);
    writeFileSync(files.keyFile, execFileSync("cat", [renewed.keyFile]));
    expect(hub.reloadTls()).toBe(true);
    expect((await httpsCall(hub.url, renewed.pem)).issuer).toBe("hub-two");
    writeFileSync(files.keyFile, "not a key");
    expect(hub.reloadTls()).toBe(false);
    expect((await httpsCall(hub.url, renewed.pem)).issuer).toBe("hub-two");
  });

  it("keeps its data folder to itself", () => {
    expect(statSync(join(folder, "data-tls")).mode & 0o777).toBe(0o700);
    for (const file of ["lvsdeck.sqlite", "lvsdeck-series.sqlite"]) expect(statSync(join(folder, "data-tls", file)).mode & 0o777).toBe(0o600);
  });
});

describe("hub behind a TLS proxy", () => {
  const hubs: Hub[] = [];
  afterAll(() => Promise.all(hubs.map((h) => h.close())));
  const login = (hub: Hub) =>
    fetch(`${hub.url}/api/session`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-proto": "https" }, body: JSON.stringify(signIn) });

  it("believes X-Forwarded-Proto only with --trust-proxy: then cookies are Secure and HSTS is sent", async () => {
    const trusting = await createHub({ port: 0, host: "127.0.0.1", dataDir: ":memory:", agentTokens: [], quiet: true, users: [USERS.admin], trustProxy: "loopback" });
    const plain = await createHub({ port: 0, host: "127.0.0.1", dataDir: ":memory:", agentTokens: [], quiet: true, users: [USERS.admin] });
    hubs.push(trusting, plain);
    const behindProxy = await login(trusting);
    expect(behindProxy.headers.get("set-cookie")).toMatch(/; Secure$/);
    expect(behindProxy.headers.get("strict-transport-security")).toBe("max-age=31536000");
    const faked = await login(plain);
    expect(faked.headers.get("set-cookie")).not.toMatch(/Secure/);
    expect(faked.headers.get("strict-transport-security")).toBeNull();
    expect(faked.headers.get("cache-control")).toBe("no-store");
  });
});

describe("limits on what one client may hold open", () => {
  it("keeps an idle keep-alive connection for 65 s and says so, so a client reusing it after a pause does not race the hub's close", async () => {
    const hub = await createHub({ port: 0, host: "127.0.0.1", dataDir: ":memory:", agentTokens: [], quiet: true });
    try {
      const answer = await fetch(`${hub.url}/api/health`);
      await answer.arrayBuffer();
      // Clients close an idle connection just before the announced timeout (Node's agent 1 s before).
      // Node's default, 5 s, is shorter than the pauses between an operator's or a test's requests.
      expect(answer.headers.get("keep-alive")).toBe(`timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);
      expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(60_000);
    } finally {
      await hub.close();
    }
  });

  it("closes without waiting out the keep-alive of a connection whose request was still arriving", async () => {
    const hub = await createHub({ port: 0, host: "127.0.0.1", dataDir: ":memory:", agentTokens: [], quiet: true });
    const { Socket } = await import("node:net");
    const socket = new Socket();
    const answered = new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (d: Buffer) => (text += d.toString()));
      socket.on("close", () => resolve(text));
    });
    await new Promise<void>((resolve) => socket.connect(hub.port, "127.0.0.1", resolve));
    const body = JSON.stringify({ name: "nobody", password: "wrong" });
    socket.write(`POST /api/session HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`);
    // "100 Continue" says the hub has the request's headers: the connection is busy, not idle, when the close starts.
    await vi.waitFor(() => expect(socket.bytesRead).toBeGreaterThan(0));
    const closed = hub.close();
    socket.write(body);
    // The request is answered, then the connection is closed and the close completes, well inside the test's time limit (a minute's keep-alive is not waited out).
    expect(await answered).toMatch(/^HTTP\/1.1 100 Continue\r\n\r\nHTTP\/1.1 401/);
    await closed;
  });

  it("drops a request whose body trickles in slower than the request timeout", async () => {
    const hub = await createHub({ port: 0, host: "127.0.0.1", dataDir: ":memory:", agentTokens: [], quiet: true, requestTimeoutMs: 1_000 });
    try {
      const { Socket } = await import("node:net");
      const socket = new Socket();
      const ended = new Promise<string>((resolve) => {
        let text = "";
        socket.on("data", (d: Buffer) => (text += d.toString()));
        socket.on("close", () => resolve(text));
      });
      socket.connect(hub.port, "127.0.0.1", () => {
        socket.write("POST /api/session HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":");
      });
      // The body never completes: the hub answers 408 and closes instead of waiting for minutes.
      expect(await ended).toMatch(/^HTTP\/1.1 408/);
    } finally {
      await hub.close();
    }
  });
});

describe("lvsdeck-hub with --tls-cert/--tls-key", () => {
  const repoRoot = join(import.meta.dirname, "../../..");
  const start = (args: string[]) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "apps/hub/src/main.ts"), "--port", "0", "--host", "127.0.0.1", "--data", join(folder, `proc-${args.length}-${Date.now()}`), ...args], { cwd: repoRoot });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number>((resolve) => child.once("exit", (code) => resolve(code ?? -1)));
    return { child, exited, out: () => out, err: () => err };
  };

  it("refuses a lone --tls-cert and a missing certificate in one line, no stack trace", async () => {
    const lone = start(["--tls-cert", join(folder, "nope.crt")]);
    expect(await lone.exited).toBe(2);
    expect(lone.err()).toBe("lvsdeck-hub: --tls-cert and --tls-key go together\n");
    const missing = start(["--tls-cert", join(folder, "nope.crt"), "--tls-key", join(folder, "nope.key")]);
    expect(await missing.exited).toBe(1);
    expect(missing.err()).toMatch(/^lvsdeck-hub: ENOENT: no such file or directory, open '.*nope\.crt'\n$/);
  });

  it("serves HTTPS and takes a renewed certificate on SIGHUP", async () => {
    const one = certificate("proc-one");
    const hub = start(["--tls-cert", one.certFile, "--tls-key", one.keyFile]);
    try {
      const port = await vi.waitFor(() => {
        const match = /listening on https:\/\/localhost:(\d+)/.exec(hub.out());
        if (!match) throw new Error(`not listening yet: ${hub.err()}`);
        return Number(match[1]);
      }, { timeout: 20_000, interval: 100 });
      const url = `https://127.0.0.1:${port}`;
      expect((await httpsCall(url, one.pem)).issuer).toBe("proc-one");
      const two = certificate("proc-two");
      writeFileSync(one.certFile, two.pem);
      writeFileSync(one.keyFile, execFileSync("cat", [two.keyFile]));
      hub.child.kill("SIGHUP");
      await vi.waitFor(async () => expect((await httpsCall(url, two.pem)).issuer).toBe("proc-two"), { timeout: 10_000, interval: 100 });
    } finally {
      hub.child.kill("SIGTERM");
      await hub.exited;
    }
  });
});

describe("agents over wss://", () => {
  it("connects with --hub-ca naming the hub's CA, and refuses an untrusted certificate", async () => {
    const cert = certificate("agent-ca");
    const hub = await createHub({ port: 0, host: "127.0.0.1", dataDir: ":memory:", agentTokens: [TOKEN], quiet: true, users: [USERS.admin], tls: cert });
    const agents: ChildProcess[] = [];
    const run = (director: string, extra: string[]) => {
      const child = spawn(process.execPath, [agentBin, "--hub", hub.url, "--director", director, "--token", TOKEN, "--source", "sim", "--tick-ms", "250", ...extra], { stdio: ["ignore", "ignore", "pipe"] });
      agents.push(child);
      let log = "";
      child.stderr.on("data", (d: Buffer) => (log += d.toString()));
      return () => log;
    };
    try {
      const connectedAgents = async () => healthResponseSchema.parse(JSON.parse((await httpsCall(hub.url, cert.pem)).body)).connectedAgents;
      run("trusting", ["--hub-ca", cert.certFile]);
      await vi.waitFor(async () => expect(await connectedAgents()).toBe(1), { timeout: 15_000, interval: 100 });
      const untrusting = run("untrusting", []);
      await vi.waitFor(() => expect(untrusting()).toMatch(/self-signed certificate/), { timeout: 15_000, interval: 100 });
      expect(await connectedAgents()).toBe(1);
    } finally {
      for (const a of agents) a.kill("SIGKILL");
      await hub.close();
    }
  });
});
