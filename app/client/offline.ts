import { useLocation, useMatches, useRevalidator, type ClientLoaderFunctionArgs } from "@remix-run/react";
import { useEffect, useSyncExternalStore } from "react";
import { isNetworkError } from "./network";

// With JavaScript, a page's data is reloaded in the background after every
// write (and on every navigation). When that reload cannot reach the server,
// Remix would replace the page with the error page. Instead the page keeps the
// data it shows, and the layout says it may be out of date, until the network
// is back (then it reloads). A navigation to a page not yet shown still fails
// as usual: there is nothing to keep.

/** The data each route of the page on screen was rendered with, by route id and URL. */
const shown = new Map<string, unknown>();
const keyOf = (routeId: string, url: URL | { pathname: string; search: string }) => `${routeId} ${url.pathname}${url.search}`;

let offline = false;
const listeners = new Set<() => void>();
function setOffline(value: boolean) {
  if (offline === value) return;
  offline = value;
  for (const listener of listeners) listener();
}

/**
 * A route's clientLoader: the server's data, or, when the server cannot be
 * reached, the data this same URL is showing now.
 */
export function keepPageWhenOffline(routeId: string) {
  return async ({ request, serverLoader }: ClientLoaderFunctionArgs) => {
    try {
      const data = await serverLoader();
      setOffline(false);
      return data;
    } catch (error) {
      // Only a lost request; answers from the server (redirects, 404s) and bugs pass through.
      const key = keyOf(routeId, new URL(request.url));
      if (!isNetworkError(error) || !shown.has(key)) throw error;
      setOffline(true);
      return shown.get(key) as never;
    }
  };
}

/**
 * For the root layout: remembers what every route on screen shows, and
 * whether the last reload failed; reloads when the browser is back online.
 */
export function useOfflineNotice(): boolean {
  const matches = useMatches();
  const location = useLocation();
  const revalidator = useRevalidator();
  useEffect(() => {
    for (const match of matches) shown.set(keyOf(match.id, location), match.data);
  }, [matches, location]);
  useEffect(() => {
    const reload = () => revalidator.revalidate();
    window.addEventListener("online", reload);
    return () => window.removeEventListener("online", reload);
  }, [revalidator]);
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => offline,
    () => false,
  );
}
