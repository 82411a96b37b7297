// Single sign-on in Chromium against a real OpenID Connect provider run on loopback (panva's oidc-provider,
// authorization code with PKCE required): a group mapped to a VIP-scoped operator, a user in no mapped group
// refused, a local user's name out of the provider's reach, and sign-out that ends the hub session.
import type { Server } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Provider from "oidc-provider";
import { expect, test, type Page } from "@playwright/test";
import { freePort, startDemo, stopDemo, type DemoCluster } from "./fixtures";

const SECRET = "lvsdeck-e2e-client-secret-0123456789";
/** The provider's users and their groups (the `groups` claim, sent in userinfo). */
const GROUPS: Record<string, string[]> = { alice: ["staff", "noc-web"], bob: ["contractors"], carol: ["lvs-admins"], "demo-admin": ["lvs-admins"] };
const SCOPED_VIP = "192.168.50.100";

let provider: Server;
let cluster: DemoCluster;
let secretDir: string;

test.beforeAll(async () => {
  const [providerPort, hubPort] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${providerPort}`;
  const hubUrl = `http://127.0.0.1:${hubPort}`;
  const oidc = new Provider(issuer, {
    clients: [{ client_id: "lvsdeck", client_secret: SECRET, redirect_uris: [`${hubUrl}/api/auth/oidc/callback`], grant_types: ["authorization_code"], response_types: ["code"] }],
    pkce: { required: () => true },
    claims: { openid: ["sub"], profile: ["preferred_username", "groups"] },
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id, preferred_username: id, groups: GROUPS[id] ?? [] }) }),
    cookies: { keys: ["lvsdeck-e2e-cookie-key"] },
  });
  provider = oidc.listen(providerPort);
  secretDir = mkdtempSync(join(tmpdir(), "lvsdeck-sso-"));
  writeFileSync(join(secretDir, "client-secret"), `${SECRET}\n`, { mode: 0o600 });
  const hub = (flag: string, value: string) => [`--hub-arg=${flag}`, `--hub-arg=${value}`];
  cluster = await startDemo(
    [
      ...hub("--oidc-issuer", issuer),
      ...hub("--oidc-client-id", "lvsdeck"),
      ...hub("--oidc-client-secret-file", join(secretDir, "client-secret")),
      ...hub("--oidc-public-url", hubUrl),
      ...hub("--oidc-group", `noc-web=operator:${SCOPED_VIP}`),
      ...hub("--oidc-group", "lvs-admins=admin"),
      ...hub("--oidc-label", "Example SSO"),
    ],
    hubPort,
  );
});

test.afterAll(async () => {
  await stopDemo(cluster);
  await new Promise((resolve) => provider.close(resolve));
  rmSync(secretDir, { recursive: true, force: true });
});

/** Goes through the provider's sign-in and consent pages as `login`; ends back on the hub. */
async function signInAtProvider(page: Page, login: string) {
  // A fresh browser for each person: the provider would otherwise remember who signed in before.
  await page.context().clearCookies();
  await page.goto(cluster.url);
  await page.getByRole("link", { name: "Sign in with Example SSO" }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password: the provider's development login takes any");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(`${cluster.url}/**`);
}

test("a user whose group maps to a VIP-scoped operator signs in through the provider, acts within that VIP, and signing out ends the hub session", async ({ page }) => {
  await signInAtProvider(page, "alice");
  const menu = page.getByTestId("session");
  await expect(menu).toHaveAttribute("data-user", "alice", { timeout: 15_000 });
  await expect(menu.locator(".session-role")).toHaveText(`operator (${SCOPED_VIP})`);
  const session = (await page.context().cookies(cluster.url)).find((c) => c.name === "lvsdeck_session");
  expect(session).toBeDefined();
  const asAlice = (path: string, init: RequestInit = {}) => fetch(`${cluster.url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), cookie: `lvsdeck_session=${session!.value}` } });
  expect(await (await asAlice("/api/session")).json()).toMatchObject({ kind: "user", user: { name: "alice", role: "operator", vips: [SCOPED_VIP], source: "oidc" } });
  // Her scope holds on the hub: a director-wide fault is refused, as for any VIP-scoped operator.
  const fault = await asAlice("/api/sim/faults", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ director: "lvs-dir-01", fault: "stop-director" }) });
  expect(fault.status).toBe(403);

  await page.getByRole("button", { name: /sign out/i }).click();
  await expect(page.getByRole("link", { name: "Sign in with Example SSO" })).toBeVisible();
  expect((await asAlice("/api/session")).status).toBe(401);
  const audit = (await (await cluster.api("/api/audit?limit=20")).json()) as { records: { action: string; actor: string; detail: string | null }[] };
  expect(audit.records.find((r) => r.action === "login" && r.actor === "alice")?.detail).toBe(`single sign-on: operator of ${SCOPED_VIP} from groups staff, noc-web`);
  expect(audit.records.some((r) => r.action === "logout" && r.actor === "alice")).toBe(true);
});

test("a user in no mapped group is refused, and the provider cannot sign in as a local user", async ({ page }) => {
  await signInAtProvider(page, "bob");
  await expect(page.getByTestId("sso-error")).toHaveText("bob is in no group that has access to lvsdeck (groups: contractors)");
  expect((await page.context().cookies(cluster.url)).some((c) => c.name === "lvsdeck_session")).toBe(false);

  await signInAtProvider(page, "demo-admin");
  await expect(page.getByTestId("sso-error")).toHaveText("demo-admin is a local lvsdeck user: single sign-on cannot sign in as them");

  // The local admin is the break-glass account: it still signs in with its password.
  await page.getByLabel("User").fill(cluster.admin.user);
  await page.getByLabel("Password").fill(cluster.admin.password);
  await page.getByRole("button", { name: /^sign in$/i }).click();
  await expect(page.getByTestId("session")).toHaveAttribute("data-user", cluster.admin.user);
});

test("a group mapped to admin gives an unlimited admin", async ({ page }) => {
  await signInAtProvider(page, "carol");
  const menu = page.getByTestId("session");
  await expect(menu).toHaveAttribute("data-user", "carol", { timeout: 15_000 });
  await expect(menu.locator(".session-role")).toHaveText("admin");
});

test("taken out of the group at the provider, a user's next sign-in is refused and ends the sessions they still had", async ({ page, browser }) => {
  await signInAtProvider(page, "alice");
  await expect(page.getByTestId("session")).toHaveAttribute("data-user", "alice", { timeout: 15_000 });
  const kept = (await page.context().cookies(cluster.url)).find((c) => c.name === "lvsdeck_session")!;
  const stillIn = async () => (await fetch(`${cluster.url}/api/session`, { headers: { cookie: `lvsdeck_session=${kept.value}` } })).status;
  expect(await stillIn()).toBe(200);
  const before = GROUPS.alice!;
  GROUPS.alice = ["staff"];
  try {
    const other = await (await browser.newContext()).newPage();
    await signInAtProvider(other, "alice");
    await expect(other.getByTestId("sso-error")).toHaveText("alice is in no group that has access to lvsdeck (groups: staff)");
    expect(await stillIn()).toBe(401);
    // The open page is signed out too, live socket included: it shows the sign-in page again.
    await expect(page.getByRole("link", { name: "Sign in with Example SSO" })).toBeVisible({ timeout: 15_000 });
  } finally {
    GROUPS.alice = before;
  }
});
