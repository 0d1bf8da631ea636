import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

// The app's routes as the production build knows them (the server bundle's
// `routes` export), so that the fuzz and hardening tests cover every route,
// a new one included, without a list of their own to keep up to date.

export interface AppRoute {
  /** the route id, e.g. "routes/contacts.$contactId.edit" */
  id: string;
  parentId: string | null;
  /** the whole URL pattern, ancestors' paths joined: "/contacts/:contactId/edit" */
  pattern: string;
  /** the names of its URL parameters, in order ("contactId"); a splat is "*" */
  params: string[];
  index: boolean;
  action: boolean;
  loader: boolean;
  /** whether the module has a default export: a page, not only a loader or an action */
  component: boolean;
}

interface ManifestEntry {
  id: string;
  parentId?: string;
  path?: string;
  index?: boolean;
  action: boolean;
  loader: boolean;
  component: boolean;
}

/**
 * The routes of the build in `appDir` (build/server/index.js), without the
 * root layout. The bundle is imported in a child process: it parses the
 * app's configuration and makes its database instance, neither of which
 * belongs in a test's process.
 */
export function readRoutes(appDir: string): AppRoute[] {
  const bundle = pathToFileURL(join(appDir, "build/server/index.js")).href;
  const script = `
    const { routes } = await import(${JSON.stringify(bundle)});
    const entries = Object.values(routes).map((r) => ({
      id: r.id, parentId: r.parentId, path: r.path, index: r.index === true,
      action: typeof r.module.action === "function",
      loader: typeof r.module.loader === "function",
      component: typeof r.module.default === "function",
    }));
    process.stdout.write(JSON.stringify(entries));
    process.exit(0);`;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: appDir,
    encoding: "utf8",
    // Production settings; the database is never opened (Kysely connects lazily), but if it were, it would be this scratch file.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      DATABASE_URL: `file:${join(appDir, "routes-manifest.sqlite")}`,
    },
  });
  if (result.status !== 0) throw new Error(`could not read the route manifest of ${bundle} (exit ${result.status}):\n${result.stderr}`);
  return toRoutes(JSON.parse(result.stdout) as ManifestEntry[]);
}

export function toRoutes(entries: ManifestEntry[]): AppRoute[] {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const pathOf = (entry: ManifestEntry): string => {
    const parent = entry.parentId ? byId.get(entry.parentId) : undefined;
    const own = (entry.path ?? "").replace(/^\/+|\/+$/g, "");
    const above = parent ? pathOf(parent) : "";
    return [above, own].filter(Boolean).join("/");
  };
  return entries
    .filter((e) => e.id !== "root")
    .map((e) => {
      const pattern = `/${pathOf(e)}`;
      return {
        id: e.id,
        parentId: e.parentId ?? null,
        pattern,
        params: pattern.split("/").flatMap((seg) => (seg.startsWith(":") ? [seg.slice(1).replace(/\?$/, "")] : seg === "*" ? ["*"] : [])),
        index: e.index === true,
        action: e.action,
        loader: e.loader,
        component: e.component,
      };
    })
    .sort((a, b) => a.pattern.localeCompare(b.pattern) || a.id.localeCompare(b.id));
}

/** `pattern` with each parameter replaced by `values[name]` (as given: encode it yourself). */
export function fillPattern(pattern: string, values: Record<string, string>): string {
  return pattern
    .split("/")
    .map((seg) => {
      const name = seg === "*" ? "*" : seg.startsWith(":") ? seg.slice(1).replace(/\?$/, "") : null;
      if (name === null) return seg;
      const value = values[name];
      if (value === undefined) throw new Error(`no value for :${name} in ${pattern}`);
      return value;
    })
    .join("/");
}

/** Whether `path` (decoded, without query) is a URL of `pattern`. */
export function matchesPattern(pattern: string, path: string): boolean {
  const source = pattern
    .split("/")
    .map((seg) => (seg === "*" ? ".*" : seg.startsWith(":") ? "[^/]+" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${source}/?$`).test(path);
}

/**
 * The route that serves `path`, as the router ranks them: of the patterns
 * that match, the one with the most literal segments (`/contacts/new` over
 * `/contacts/:contactId`). Null for a path no route serves (a 404).
 */
export function routeFor(routes: readonly AppRoute[], path: string): AppRoute | null {
  const literal = (r: AppRoute) => r.pattern.split("/").filter((s) => s && !s.startsWith(":") && s !== "*").length;
  const matches = routes.filter((r) => matchesPattern(r.pattern, path));
  return matches.sort((a, b) => literal(b) - literal(a) || Number(b.index) - Number(a.index))[0] ?? null;
}

/** The root splat route (`/*`): by Remix's convention the app's own "no such page", for every method. */
export function isCatchAll(route: AppRoute): boolean {
  return route.pattern === "/*";
}
