import { notFound } from "#app/http/responses.server";

// Every URL no other route matches, GET or POST: the app's own 404, in the
// layout (the root's ErrorBoundary). Without it Remix answers 404 itself,
// and its page data carries its developer message ('No route matches URL
// "…"'). See docs/decisions/0028-what-outside-tools-found.md.

export async function loader(): Promise<never> {
  notFound();
}

export async function action(): Promise<never> {
  notFound();
}

// A page route, not a resource route: Remix answers a resource route's
// errors as JSON instead of the error page. The loader always throws, so
// this never renders.
export default function NoSuchPage() {
  return null;
}
