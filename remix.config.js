// Remix's Vite plugin options, kept in one place so `vite.config.ts` stays a
// one-liner and the future flags are easy to find. Every v3 flag is on, so
// moving to React Router 7 stays a codemod (docs/decisions/0001). Routes are
// declared in app/routes.ts (v3_routeConfig), using the flat-routes convention.
/** @type {import('@remix-run/dev').VitePluginConfig} */
export default {
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_singleFetch: true,
    v3_lazyRouteDiscovery: true,
    v3_routeConfig: true,
  },
};
