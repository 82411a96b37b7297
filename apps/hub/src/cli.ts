import { parseArgs } from "node:util";
import { MIN_PASSWORD_LENGTH, createUserRequestSchema, directorIdSchema, roleSchema } from "@lvsdeck/protocol";
import { openDatabase } from "./store/database";
import { createAuthStore } from "./auth/authStore";
import { createAuditLog } from "./auth/auditLog";
import { openSharedRecord, redactUrl } from "./store/postgres/sharedRecord";
import { createLogger } from "@lvsdeck/log";

/**
 * Administrative subcommands of `lvsdeck-hub`; they work on the database directly (the SQLite file, or
 * with --postgres the clustered hubs' PostgreSQL), so the hub may be stopped.
 */
export const cliUsage = `usage: lvsdeck-hub user add NAME --role viewer|operator|admin [--vips A,B] [--data DIR]   (password on stdin)
       lvsdeck-hub user passwd NAME [--data DIR]                                         (password on stdin)
       lvsdeck-hub user list [--data DIR]
       lvsdeck-hub token add-agent DIRECTOR [--data DIR]        prints the token once
       lvsdeck-hub token add-wall NAME [--vips A,B] [--data DIR] prints the token once
       lvsdeck-hub token list | revoke ID [--data DIR]
       (clustered hubs: --postgres URL or LVSDECK_POSTGRES_URL in place of --data)`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // Only the first line counts, so `echo secret | lvsdeck-hub user add ...` works.
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
}

/** Runs a subcommand; returns the exit status. Messages go to stderr, results (tokens) to stdout. */
export async function runCli(argv: string[], paths: { migrationsDir: string }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { role: { type: "string" }, vips: { type: "string" }, data: { type: "string", default: "./data" }, postgres: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (err) {
    process.stderr.write(`lvsdeck-hub: ${(err as Error).message}\n${cliUsage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    process.stdout.write(`${cliUsage}\n`);
    return 0;
  }
  const [group, action, name] = positionals;
  const postgresUrl = values.postgres ?? process.env.LVSDECK_POSTGRES_URL;
  let record;
  try {
    record = await openRecord(values.data ?? "./data", postgresUrl, paths.migrationsDir);
  } catch (err) {
    process.stderr.write(`lvsdeck-hub: ${(err as Error).message}\n`);
    return 1;
  }
  const { store, audit } = record;
  const vips = values.vips ? values.vips.split(",").map((v) => v.trim()).filter(Boolean) : null;
  const note = (detail: string, kind: "user" | "token") =>
    audit.append({ at: Date.now(), actor: "cli", action: kind, remote: null, directors: [], service: null, realServer: null, from: null, to: null, reason: null, result: "ok", detail });
  try {
    if (group === "user" && action === "add" && name) {
      const role = roleSchema.safeParse(values.role);
      if (!role.success) throw new Error("--role must be viewer, operator or admin");
      const request = createUserRequestSchema.safeParse({ name, role: role.data, password: await readStdin(), vips });
      if (!request.success) throw new Error(request.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
      if (await store.user(name)) throw new Error(`user ${name} already exists (use user passwd to change the password)`);
      await store.addUser(request.data.name, request.data.role, request.data.password, request.data.vips);
      await note(`created ${name} as ${role.data}`, "user");
      process.stderr.write(`created ${role.data} ${name}\n`);
    } else if (group === "user" && action === "passwd" && name) {
      const password = await readStdin();
      if (password.length < MIN_PASSWORD_LENGTH) throw new Error(`password: at least ${MIN_PASSWORD_LENGTH} characters`);
      if (!(await store.updateUser(name, { password }))) throw new Error(`no user ${name}`);
      await note(`changed the password of ${name}`, "user");
      process.stderr.write(`password of ${name} changed; their sessions are closed\n`);
    } else if (group === "user" && action === "list") {
      for (const u of await store.users()) process.stdout.write(`${u.name}\t${u.role}\t${u.vips?.join(",") ?? "all VIPs"}${u.disabled ? "\tdisabled" : ""}\n`);
    } else if (group === "token" && action === "add-agent" && name) {
      const director = directorIdSchema.parse(name);
      const token = await store.addToken("agent", director, director, null);
      await note(`created agent token for ${director}`, "token");
      process.stdout.write(`${token.secret}\n`);
    } else if (group === "token" && action === "add-wall" && name) {
      const token = await store.addToken("wall", name, null, vips);
      await note(`created wall token ${name}`, "token");
      process.stdout.write(`${token.secret}\n`);
    } else if (group === "token" && action === "list") {
      for (const t of await store.tokens()) process.stdout.write(`${t.id}\t${t.kind}\t${t.name}\t${t.revokedAt ? "revoked" : "active"}\n`);
    } else if (group === "token" && action === "revoke" && name) {
      if (!(await store.revokeToken(name))) throw new Error(`no token ${name}`);
      await note(`revoked token ${name}`, "token");
      process.stderr.write(`revoked ${name} (a running hub cuts off its agent or wall within a second)\n`);
    } else {
      process.stderr.write(`${cliUsage}\n`);
      return 2;
    }
    return 0;
  } catch (err) {
    process.stderr.write(`lvsdeck-hub: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await record.close();
  }
}

/** The users, tokens and audit log the subcommands work on: the SQLite file, or the clustered hubs' PostgreSQL. */
async function openRecord(dataDir: string, postgresUrl: string | undefined, migrationsDir: string) {
  if (postgresUrl === undefined) {
    const db = openDatabase(dataDir);
    return { store: createAuthStore(db, Date.now), audit: createAuditLog(db), close: async () => db.close() };
  }
  const shared = await openSharedRecord({ url: postgresUrl, migrationsDir }, createLogger("hub", true)).catch((err: Error) => {
    throw new Error(`PostgreSQL ${redactUrl(postgresUrl)}: ${err.message}`);
  });
  return { store: shared.auth(Date.now), audit: shared.audit, close: () => shared.close() };
}
