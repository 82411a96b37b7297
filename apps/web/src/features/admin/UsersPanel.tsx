import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { MIN_PASSWORD_LENGTH, roles, type Role, type User } from "@lvsdeck/protocol";
import { adminKeys, createUser, updateUser, usersQuery } from "./adminQueries";
import { formatVipList, parseVipList } from "./vipList";
import { formatDateTime } from "../../lib/time";
import { useSession } from "../auth/sessionQuery";
import { AdminTable } from "./AdminTable";

function RoleSelect({ value, onChange, label }: { value: Role; onChange: (role: Role) => void; label: string }) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.currentTarget.value as Role)}>
      {roles.map((r) => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </select>
  );
}

function UserRow({ user, self }: { user: User; self: boolean }) {
  const client = useQueryClient();
  const [role, setRole] = useState(user.role);
  const [vips, setVips] = useState(formatVipList(user.vips, ""));
  const [error, setError] = useState<string | null>(null);
  const update = useMutation({
    mutationFn: (patch: Parameters<typeof updateUser>[1]) => updateUser(user.name, patch),
    onSuccess: () => client.invalidateQueries({ queryKey: adminKeys.users() }),
    onError: (err) => setError(err.message),
  });
  const save = () => {
    const parsed = parseVipList(vips);
    if (!parsed.ok) return setError(parsed.error);
    setError(null);
    update.mutate({ role, vips: parsed.value });
  };
  const changed = role !== user.role || vips !== formatVipList(user.vips, "");
  return (
    <tr data-testid="user-row" data-user={user.name} data-role={user.role} data-disabled={user.disabled} className={user.disabled ? "disabled" : undefined}>
      <th scope="row">
        {user.name}
        {user.source === "oidc" && (
          <span className="hint" title="Signs in through single sign-on: role and VIPs follow the user's groups at each sign-in; disabling here still refuses them">
            {" "}
            (single sign-on)
          </span>
        )}
      </th>
      <td>
        <RoleSelect value={role} onChange={setRole} label={`Role of ${user.name}`} />
      </td>
      <td>
        <input className="vip-input" aria-label={`VIPs of ${user.name}`} placeholder="all VIPs" value={vips} onChange={(e) => setVips(e.currentTarget.value)} />
      </td>
      <td>{formatDateTime(user.createdAt)}</td>
      <td>{user.disabled ? "disabled" : "active"}</td>
      <td className="actions">
        <button type="button" className={changed ? "primary" : undefined} disabled={!changed || update.isPending} onClick={save}>
          Save
        </button>
        <button
          type="button"
          disabled={update.isPending || self}
          title={self ? "you cannot disable yourself here: another admin can" : undefined}
          onClick={() => update.mutate({ disabled: !user.disabled })}
          aria-label={`${user.disabled ? "Enable" : "Disable"} ${user.name}`}
        >
          {user.disabled ? "Enable" : "Disable"}
        </button>
        {error !== null && (
          <span className="form-error" role="alert">
            {error}
          </span>
        )}
      </td>
    </tr>
  );
}

function NewUserForm() {
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("operator");
  const [vips, setVips] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: createUser,
    onSuccess: (user) => {
      void client.invalidateQueries({ queryKey: adminKeys.users() });
      setName("");
      setVips("");
      setPassword("");
      setError(null);
      return user;
    },
    onError: (err) => setError(err.message),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseVipList(vips);
    if (!parsed.ok) return setError(parsed.error);
    create.mutate({ name: name.trim(), role, password, vips: parsed.value });
  };
  return (
    <form className="admin-form" onSubmit={submit} aria-labelledby="new-user-title">
      <h3 id="new-user-title">New user</h3>
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.currentTarget.value)} required pattern="[a-z][a-z0-9._\-]{1,31}" autoComplete="off" />
      </label>
      <label>
        Role
        <RoleSelect value={role} onChange={setRole} label="Role" />
      </label>
      <label>
        VIPs <span className="field-hint">(empty: all)</span>
        <input value={vips} onChange={(e) => setVips(e.currentTarget.value)} placeholder="192.168.50.100, …" />
      </label>
      <label>
        Password <span className="field-hint">(at least {MIN_PASSWORD_LENGTH})</span>
        <input type="password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} minLength={MIN_PASSWORD_LENGTH} required autoComplete="new-password" />
      </label>
      <button type="submit" className="primary" disabled={create.isPending}>
        Create user
      </button>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {create.isSuccess && !create.isPending && error === null && (
        <p className="form-ok" role="status">
          Created {create.data.name} as {create.data.role}.
        </p>
      )}
    </form>
  );
}

/** Users: who may sign in, with which role and VIPs; create, change, disable. */
export function UsersPanel() {
  const users = useQuery(usersQuery());
  const me = useSession()?.user?.name;
  return (
    <section className="panel admin-panel" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <AdminTable query={users} what="users" columns={["User", "Role", "VIPs", "Created", "Status", "Actions"]} empty="No users yet.">
        {(rows) => rows.map((u) => <UserRow key={`${u.name}:${u.role}:${formatVipList(u.vips)}`} user={u} self={u.name === me} />)}
      </AdminTable>
      <NewUserForm />
    </section>
  );
}
