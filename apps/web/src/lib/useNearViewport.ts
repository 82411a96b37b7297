import { useEffect, useRef, useState, type RefObject } from "react";

/**
 * Whether an element is on screen or within `margin` of it (a CSS margin, e.g. "300px" or "100% 0px"),
 * followed as the page scrolls. Without IntersectionObserver (old browsers, unit tests) it is always true.
 * `active` false turns the watch off and counts the element as near.
 */
export function useNearViewport<T extends Element>(margin: string, active = true): [RefObject<T | null>, boolean] {
  const ref = useRef<T>(null);
  const observable = active && typeof IntersectionObserver !== "undefined";
  const [near, setNear] = useState(!observable);
  useEffect(() => {
    const element = ref.current;
    if (!observable || element === null) {
      setNear(true);
      return;
    }
    const observer = new IntersectionObserver((entries) => setNear(entries.some((e) => e.isIntersecting)), { rootMargin: margin });
    observer.observe(element);
    return () => observer.disconnect();
  }, [margin, observable]);
  return [ref, near];
}
