// The service harness starts real PostgreSQL and NATS servers that work, restart, and leave nothing behind.
import { existsSync } from "node:fs";
import { describe, it, expect, afterAll } from "vitest";
import pg from "pg";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { createDatabase, startNats, startPostgres, type NatsServer, type PostgresServer } from "./services";

const HOOK_MS = 60_000;

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

describe("startPostgres", () => {
  let server: PostgresServer | undefined;
  afterAll(() => server?.stop(), HOOK_MS);

  it("runs a real cluster with one database per test, and removes it on stop", async () => {
    server = await startPostgres();
    expect(server.url).toBe(`postgres://lvsdeck@127.0.0.1:${server.port}/lvsdeck`);

    const rows = await withClient(server.url, async (client) => {
      await client.query("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)");
      await client.query("INSERT INTO notes (body) VALUES ($1), ($2)", ["first", "ünïcode"]);
      return (await client.query<{ body: string }>("SELECT body FROM notes ORDER BY id")).rows;
    });
    expect(rows.map((row) => row.body)).toEqual(["first", "ünïcode"]);

    const otherUrl = await createDatabase(server, "isolated_test");
    expect(otherUrl).toBe(`postgres://lvsdeck@127.0.0.1:${server.port}/isolated_test`);
    const tables = await withClient(otherUrl, async (client) => {
      expect((await client.query<{ db: string }>("SELECT current_database() AS db")).rows[0]?.db).toBe("isolated_test");
      return (await client.query("SELECT 1 FROM pg_tables WHERE tablename = 'notes'")).rowCount;
    });
    expect(tables).toBe(0);

    await server.stop();
    await server.stop(); // Idempotent.
    expect(existsSync(server.dataDir)).toBe(false);
  }, HOOK_MS);
});

describe("startNats", () => {
  let server: NatsServer | undefined;
  afterAll(() => server?.dispose(), HOOK_MS);

  async function withNats<T>(url: string, use: (nc: NatsConnection) => Promise<T>): Promise<T> {
    const nc = await connect({ servers: url });
    try {
      return await use(nc);
    } finally {
      await nc.close();
    }
  }

  async function roundTrip(url: string): Promise<string> {
    const nc = await connect({ servers: url });
    try {
      const sub = nc.subscribe("lvsdeck.test", { max: 1 });
      nc.publish("lvsdeck.test", "hello");
      for await (const message of sub) return message.string();
      throw new Error("subscription ended without a message");
    } finally {
      await nc.close();
    }
  }

  it("runs a real server with JetStream, restarts on the same port, and removes its store on dispose", async () => {
    server = await startNats();
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect(await roundTrip(server.url)).toBe("hello");

    await withNats(server.url, async (nc) => {
      const jsm = await jetstreamManager(nc);
      expect((await jsm.getAccountInfo()).limits).toBeDefined();
      await jsm.streams.add({ name: "KEPT", subjects: ["kept.>"] });
      await jetstream(nc).publish("kept.one", "stored");
    });

    await server.stop();
    await expect(connect({ servers: server.url, reconnect: false })).rejects.toThrow();
    await server.start();
    expect(await roundTrip(server.url)).toBe("hello");
    // Same storeDir: the stream and its message survived the restart.
    const kept = await withNats(server.url, async (nc) => (await (await jetstreamManager(nc)).streams.info("KEPT")).state.messages);
    expect(kept).toBe(1);

    server.kill();
    await server.start(); // Waits for the killed process, then starts afresh on the same port.
    expect(await roundTrip(server.url)).toBe("hello");

    expect(existsSync(server.storeDir)).toBe(true);
    await server.dispose();
    expect(existsSync(server.storeDir)).toBe(false);
  }, HOOK_MS);
});
