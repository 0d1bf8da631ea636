import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { endSession } from "#app/auth/session.server";
import { redirectWithFlash } from "#app/http/flash.server";

// Logging out changes state, so it is a POST only: a GET (a prefetch, a
// crawler, a link in an email) must not sign anyone out.
export async function loader() {
  return redirect("/contacts", 303);
}

export async function action({ request }: ActionFunctionArgs) {
  const cookie = await endSession(request);
  return redirectWithFlash(request, "/login", "You have been logged out.", { headers: { "Set-Cookie": cookie } });
}
