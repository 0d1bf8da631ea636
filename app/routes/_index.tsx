import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { getUser } from "#app/auth/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  return redirect(user ? "/contacts" : "/login", 303);
}
