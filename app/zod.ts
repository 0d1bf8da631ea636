import { z } from "zod";

// The pages' Content-Security-Policy has no 'unsafe-eval'. Where it can, zod 4
// compiles each object schema's parser with `new Function`, and its probe for
// that, though caught, is a CSP violation that Chromium reports as an issue
// (Lighthouse's best-practices audit "inspector-issues"). The forms are small:
// the interpreted parser costs nothing noticeable. The schemas shared with the
// browser import z from here, so this runs before any of them is built.
z.config({ jitless: true });

export { z };
