import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from "react";
import { createElement } from "react";

/** Fired on `window` after `navigate` changes the URL; the History API has no event for pushState. */
const NAVIGATE_EVENT = "lvsdeck:navigate";

/** Where the page is: pathname and query, as a snapshot that only changes when the URL does. */
export interface Location {
  path: string;
  search: string;
}

let snapshot: Location = { path: "", search: "" };

function read(): Location {
  const { pathname, search } = window.location;
  if (snapshot.path !== pathname || snapshot.search !== search) snapshot = { path: pathname, search };
  return snapshot;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener("popstate", listener);
  window.addEventListener(NAVIGATE_EVENT, listener);
  return () => {
    window.removeEventListener("popstate", listener);
    window.removeEventListener(NAVIGATE_EVENT, listener);
  };
}

/** The current location; re-renders on back/forward and on `navigate`. */
export function useLocation(): Location {
  return useSyncExternalStore(subscribe, read);
}

/** Goes to `to` (path and query) without reloading; `replace` keeps the history entry. */
export function navigate(to: string, { replace = false }: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** Builds `path?query` from the non-empty entries of `params`. */
export function hrefWith(path: string, params: Readonly<Record<string, string | number | null | undefined>>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") query.set(key, String(value));
  }
  const text = query.toString();
  return text === "" ? path : `${path}?${text}`;
}

/** True for a plain left click that the router should handle (not a new tab or window). */
export function isPlainClick(event: Pick<MouseEvent, "button" | "metaKey" | "ctrlKey" | "shiftKey" | "altKey" | "defaultPrevented">): boolean {
  return !event.defaultPrevented && event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

/** An anchor that navigates in-page; modified clicks still open a new tab. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  return createElement("a", {
    ...rest,
    href,
    onClick: (event: MouseEvent<HTMLAnchorElement>) => {
      onClick?.(event);
      if (!isPlainClick(event)) return;
      event.preventDefault();
      navigate(href);
    },
  });
}
