import { Link, hrefWith, useLocation } from "../../lib/router";
import { useSession } from "../auth/sessionQuery";
import { sessionCan } from "../auth/permissions";
import { UsersPanel } from "./UsersPanel";
import { TokensPanel } from "./TokensPanel";
import { AuditPanel } from "./AuditPanel";

const tabs = { users: "Users", tokens: "Tokens", audit: "Audit" } as const;
type Tab = keyof typeof tabs;

/** The admin section named by `?tab=`; users when none or unknown. */
export function tabOf(search: string): Tab {
  const tab = new URLSearchParams(search).get("tab");
  return tab !== null && tab in tabs ? (tab as Tab) : "users";
}

/** `/admin`: users, tokens and the audit log, for admins only (the hub enforces it; this says so). */
export function AdminView() {
  const session = useSession();
  const tab = tabOf(useLocation().search);
  if (!sessionCan(session, "admin")) {
    return (
      <main className="admin">
        <h2>Admins only</h2>
        <p>Users, tokens and the audit log need the admin role.</p>
      </main>
    );
  }
  return (
    <main className="admin" aria-labelledby="admin-title">
      <h2 id="admin-title" className="visually-hidden">
        Administration
      </h2>
      <nav className="admin-tabs" aria-label="Administration">
        {(Object.keys(tabs) as Tab[]).map((id) => (
          <Link key={id} href={hrefWith("/admin", { tab: id === "users" ? null : id })} {...(id === tab && { "aria-current": "page" as const })}>
            {tabs[id]}
          </Link>
        ))}
      </nav>
      {tab === "users" ? <UsersPanel /> : tab === "tokens" ? <TokensPanel /> : <AuditPanel />}
    </main>
  );
}
