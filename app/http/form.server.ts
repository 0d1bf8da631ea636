import { data } from "@remix-run/node";

/**
 * The request's form fields. A body that cannot be parsed (a multipart body
 * whose boundary is missing or wrong, a truncated one) is the client's
 * mistake: 400, not a 500. server.js has already refused bodies that are too
 * big or not forms at all.
 */
export async function readForm(request: Request): Promise<FormData> {
  // server.js lets a POST through without a Content-Type only when its body
  // is empty (a bare "Log out" or "Delete"): no fields.
  if (!request.headers.get("Content-Type")) return new FormData();
  try {
    return await request.formData();
  } catch {
    throw data("The form could not be read. Please submit it again.", { status: 400, statusText: "Bad Request" });
  }
}

/**
 * For actions whose body is read by a library (remix-auth's FormStrategy):
 * makes sure it is a readable form first, so a bad one is a 400, not a 500.
 */
export async function assertReadableForm(request: Request): Promise<void> {
  if (!request.headers.get("Content-Type")) {
    throw data("The form could not be read. Please submit it again.", { status: 400, statusText: "Bad Request" });
  }
  await readForm(request.clone());
}
