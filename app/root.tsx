import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import {
  Form,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteLoaderData,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { getUser } from "~/auth/session.server";
import { GeneralErrorBoundary } from "~/components/error-page";
import { SubmitButton } from "~/components/submit-button";
import { useNonce } from "~/components/nonce";
import { useRequestId } from "~/components/request-id";
import { takeFlash, type Flash } from "~/http/flash.server";
import stylesheet from "~/styles.css?url";
import { lostSubmission } from "~/components/network";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Cardfile" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  const { flash, headers } = takeFlash(request);
  return data({ user: user ? { email: user.email } : null, flash }, { headers });
}

// The header shows who is signed in and the flash message belongs to one
// page: re-read both on every navigation, not only after actions, except
// after a submission lost on the network (see keepFormOnNetworkFailure).
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult }) => !lostSubmission(actionResult);

export function Layout({ children }: { children: ReactNode }) {
  const rootData = useRouteLoaderData<typeof loader>("root");
  const requestId = useRequestId();
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {requestId ? <meta name="request-id" content={requestId} /> : null}
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <Link to="/" className="brand">
            Cardfile
          </Link>
          {rootData?.user ? (
            <nav aria-label="Account">
              <span className="who" title="Signed in as">
                {rootData.user.email}
              </span>
              <Link to="/account">Account</Link>
              <Form method="post" action="/logout">
                <button type="submit" className="link-button">
                  Log out
                </button>
              </Form>
            </nav>
          ) : null}
        </header>
        <main id="main">
          {rootData?.flash ? <FlashMessage flash={rootData.flash} /> : null}
          {children}
        </main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

/**
 * The one-time message. An Undo sits beside it, not inside: a <form> cannot
 * be inside a <p>. It is a plain POST form, so it works without JavaScript.
 */
function FlashMessage({ flash }: { flash: Flash }) {
  const error = flash.kind === "error";
  const message = (
    <p className={error ? "flash flash-error" : "flash"} role={error ? "alert" : "status"}>
      {flash.message}
    </p>
  );
  if (!flash.undoContactId) return message;
  const restore = `/contacts/${flash.undoContactId}/restore`;
  return (
    <div className="flash-row">
      {message}
      <Form method="post" action={restore}>
        <SubmitButton action={restore} pendingLabel="Undoing…">
          Undo
        </SubmitButton>
      </Form>
    </div>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
