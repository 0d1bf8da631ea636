import { flatRoutes } from "@remix-run/fs-routes";
import type { RouteConfig } from "@remix-run/route-config";

// File-system routes, the flat-routes convention: in app/routes/, dots are
// slashes, `$name` is a URL parameter and `_index` is a folder's index page.
// Test files beside the routes are not routes.
export default flatRoutes({ ignoredRouteFiles: ["**/*.test.*", "**/.*"] }) satisfies RouteConfig;
