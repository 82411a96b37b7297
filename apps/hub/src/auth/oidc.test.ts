import { describe, expect, it } from "vitest";
import { openDatabase } from "../store/database";
import { createAuthStore } from "./authStore";
import { accessOfGroups, parseGroupMapping, userNameOf } from "./oidc";

describe("single sign-on: groups to access", () => {
  const mappings = ["noc-web=operator:192.168.50.100", "noc-dns=operator:192.168.50.102,192.168.50.101", "noc=viewer", "lvs-admins=admin"].map(parseGroupMapping);

  it("reads GROUP=ROLE[:VIPs] and says what is wrong with a bad one", () => {
    expect(mappings[1]).toEqual({ group: "noc-dns", role: "operator", vips: ["192.168.50.102", "192.168.50.101"] });
    expect(() => parseGroupMapping("ops=root")).toThrow(/ROLE one of viewer, operator, admin/);
    expect(() => parseGroupMapping("ops")).toThrow(/expected GROUP=ROLE/);
    expect(() => parseGroupMapping("ops=admin:10.0.0.1")).toThrow(/an admin is never limited to VIPs/);
  });

  it("gives the most powerful role of the user's mapped groups, with the VIPs of that role together", () => {
    expect(accessOfGroups(["noc-web", "noc-dns", "noc"], mappings)).toEqual({ role: "operator", vips: ["192.168.50.100", "192.168.50.101", "192.168.50.102"] });
    expect(accessOfGroups(["noc", "staff"], mappings)).toEqual({ role: "viewer", vips: null });
    expect(accessOfGroups(["noc-web", "lvs-admins"], mappings)).toEqual({ role: "admin", vips: null });
    expect(accessOfGroups(["staff"], mappings)).toBeNull();
    expect(accessOfGroups([], mappings)).toBeNull();
  });

  it("makes lvsdeck user names of what the provider calls people", () => {
    expect(userNameOf("Alice.Smith@example.com")).toBe("alice.smith");
    expect(userNameOf("CN=Bob Jones")).toBe("cn-bob-jones");
    expect(userNameOf("4711")).toBeNull();
  });
});

describe("single-sign-on users in the auth store", () => {
  it("creates them without a password, follows their groups, and never takes over a local user", async () => {
    const store = createAuthStore(openDatabase(":memory:"), () => 1_000);
    await store.addUser("admin", "admin", "a-long-local-password", null);
    expect(await store.ssoSignIn("admin", "sub-1", "admin", null)).toBe("local-name");
    const alice = await store.ssoSignIn("alice", "sub-a", "operator", ["192.168.50.100"]);
    expect(alice).toMatchObject({ name: "alice", role: "operator", vips: ["192.168.50.100"], source: "oidc" });
    // No password opens a single-sign-on user, not even the stored marker.
    expect(await store.checkPassword("alice", "!sso")).toBeNull();
    expect(await store.ssoSignIn("alice", "sub-other", "operator", null)).toBe("other-subject");
    let changes = 0;
    store.onAccessChange(() => changes++);
    expect(await store.ssoSignIn("alice", "sub-a", "viewer", null)).toMatchObject({ role: "viewer", vips: null });
    expect(changes).toBe(1);
    const session = await store.openSession("alice");
    expect((await store.sessionUser(session))?.name).toBe("alice");
    await store.ssoRefused("alice");
    expect(await store.sessionUser(session)).toBeNull();
    await store.updateUser("alice", { disabled: true });
    expect(await store.ssoSignIn("alice", "sub-a", "operator", null)).toBe("disabled");
  });
});
