import { randomBytes } from "node:crypto";
import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import "#app/http/load-context";

// Route tests call loaders and actions directly with real Request objects,
// the way Remix does, and look at what they return or throw.

type Handler = (args: LoaderFunctionArgs & ActionFunctionArgs) => unknown;

const BASE = "http://localhost";

/** A random private address (10.x.y.z), for a client of its own. */
export function randomIp(): string {
  return `10.${[...randomBytes(3)].join(".")}`;
}

export function get(path: string, cookie?: string): Request {
  return new Request(BASE + path, { headers: cookie ? { Cookie: cookie } : {} });
}

export function post(path: string, form: Record<string, string> | URLSearchParams, cookie?: string): Request {
  const body = form instanceof URLSearchParams ? form : new URLSearchParams(form);
  return new Request(BASE + path, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
  });
}

export interface Outcome {
  status: number;
  headers: Headers;
  data: any;
  location: string | null;
}

/**
 * Runs a loader or action and normalises what came out, returned or thrown:
 * a Response (redirects), `data()` results (status + payload) or plain data.
 * Each call comes from a random address unless `context.clientIp` names one,
 * so per-address rate limits never couple unrelated tests.
 */
export async function call(
  handler: Handler,
  request: Request,
  params: Record<string, string> = {},
  context: Partial<AppLoadContext> = {},
): Promise<Outcome> {
  let result: unknown;
  try {
    const fullContext: AppLoadContext = { requestId: "test", cspNonce: "test-nonce", clientIp: randomIp(), ...context };
    result = await handler({ request, params, context: fullContext } as never);
  } catch (thrown) {
    result = thrown;
    if (!(thrown instanceof Response) && !isDataWithInit(thrown)) throw thrown;
  }
  if (result instanceof Response) {
    return { status: result.status, headers: result.headers, data: null, location: result.headers.get("Location") };
  }
  if (isDataWithInit(result)) {
    const headers = new Headers(result.init?.headers);
    return { status: result.init?.status ?? 200, headers, data: result.data, location: headers.get("Location") };
  }
  return { status: 200, headers: new Headers(), data: result, location: null };
}

function isDataWithInit(value: unknown): value is { data: unknown; init: ResponseInit | null } {
  return typeof value === "object" && value !== null && (value as { type?: string }).type === "DataWithResponseInit";
}

/** The value of a Set-Cookie header's cookie, as a Cookie request header. */
export function cookieFrom(headers: Headers, name: string): string | null {
  for (const line of headers.getSetCookie()) {
    if (line.startsWith(`${name}=`)) return line.split(";")[0]!;
  }
  return null;
}
