import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useSearchParams } from "@remix-run/react";
import { LoginSchema } from "#app/auth/auth-schema";
import { AuthForm } from "#app/auth/auth-form";
import { logIn, LoginFailed } from "#app/auth/authenticator.server";
import { createSession, getUser } from "#app/auth/session.server";
import { safeRedirect } from "#app/http/redirect";
import { retryAfterHeaders } from "#app/rate-limits/rate-limits.server";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { clientIpOf } from "#app/http/load-context";
import { assertReadableForm } from "#app/http/form.server";

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) {
    throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")), 303);
  }
  return null;
}

// No guard: anyone may log in, and a signed-in user may log in as someone
// else (the old session ends in createSession).
export async function action({ request, context }: ActionFunctionArgs) {
  await assertReadableForm(request); // remix-auth reads the body itself: a bad one must be a 400
  try {
    const { user, redirectTo } = await logIn(request, clientIpOf(context));
    const cookie = await createSession(request, user.id);
    return redirect(safeRedirect(redirectTo), { status: 303, headers: { "Set-Cookie": cookie } });
  } catch (error) {
    if (error instanceof LoginFailed) return data(error.reply, error.init);
    throw error;
  }
}

export const headers = retryAfterHeaders;

export const meta: MetaFunction = () => [{ title: "Log in · Cardfile" }];

export default function LoginPage() {
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const redirectTo = searchParams.get("redirectTo") ?? "";
  return (
    <section className="narrow" aria-labelledby="login-title">
      <h1 id="login-title">Log in</h1>
      <AuthForm
        schema={LoginSchema}
        lastResult={lastResult}
        submitLabel="Log in"
        pendingLabel="Logging in…"
        hidden={<input type="hidden" name="redirectTo" value={redirectTo} />}
      />
      <p>
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p>
        New to Cardfile? <Link to="/signup">Create an account</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
