import type { ReactNode } from "react";
import type { UseQueryResult } from "@tanstack/react-query";

/** What an admin list shows while its query loads, fails, comes back empty, or has rows. */
export function AdminTable<T>(props: {
  query: UseQueryResult<T[]>;
  /** "users", "tokens", "the audit log": for the loading line. */
  what: string;
  columns: readonly string[];
  empty: ReactNode;
  className?: string;
  children: (rows: T[]) => ReactNode;
}) {
  const { query, what, columns, empty, className, children } = props;
  return (
    <>
      {query.isError && (
        <p className="form-error" role="alert">
          Cannot load {what}: {query.error.message}
        </p>
      )}
      {query.isPending ? (
        <p className="loading">Loading {what}…</p>
      ) : query.data === undefined ? null : query.data.length === 0 ? (
        <p className="empty">{empty}</p>
      ) : (
        <div className="table-scroll">
          <table className={`admin-table${className === undefined ? "" : ` ${className}`}`}>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>{children(query.data)}</tbody>
          </table>
        </div>
      )}
    </>
  );
}
