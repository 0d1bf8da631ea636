import { z as zod } from "zod";

// The pages' Content-Security-Policy has no 'unsafe-eval'. Where it can, zod 4
// compiles each object schema's parser with `new Function`, and its probe for
// that, though caught, is a CSP violation that Chromium reports as an issue
// (Lighthouse's best-practices audit "inspector-issues"). The forms are small:
// the interpreted parser costs nothing noticeable. The schemas shared with the
// browser import z from here, so this runs before any of them is built.
//
// The configuration is part of the exported value, not a statement on its
// own: package.json says the app's modules have no side effects, so a
// bundler may drop a bare `z.config(…)` of a module whose only export is a
// re-export (the client build did, once subpath imports carried that
// setting to app files: tests/e2e/csp.test.ts caught it).
function withoutEval(): typeof zod {
  zod.config({ jitless: true });
  return zod;
}

export const z = withoutEval();

// The types that go with it (z.output<…> and friends), as zod's own z has them.
// eslint-disable-next-line @typescript-eslint/no-namespace -- a types-only namespace beside the value, like zod's own
export declare namespace z {
  export type output<T extends zod.ZodType> = zod.output<T>;
  export type input<T extends zod.ZodType> = zod.input<T>;
  export type infer<T extends zod.ZodType> = zod.infer<T>;
}
