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
  useFetcher,
  useLocation,
  useMatches,
  useRouteLoaderData,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { getUser } from "#app/auth/session.server";
import { GeneralErrorBoundary } from "#app/components/error-page";
import { useNonce } from "#app/components/nonce";
import { useRequestId } from "#app/components/request-id";
import { takeFlash, type Flash } from "#app/http/flash.server";
import { newSubmissionKey } from "#app/submissions/submission-keys.server";
import { SubmissionKey } from "#app/components/submission-key";
import stylesheet from "#app/styles.css?url";
import { lostSubmission } from "#app/client/network";
import { keepPageWhenOffline, useOfflineNotice } from "#app/client/offline";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Cardfile" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  const { flash, headers } = takeFlash(request);
  // The Undo beside a "Deleted …" message is a form that writes: it gets its one-time key.
  const undoKey = flash?.undoContactId || flash?.undoDeletedAt || flash?.undoMergeId ? newSubmissionKey() : null;
  return data({ user: user ? { email: user.email } : null, flash, undoKey }, { headers });
}

// The header shows who is signed in and the flash message belongs to one
// page: re-read both on every navigation, not only after actions, except
// after a submission lost on the network (see keepFormOnNetworkFailure).
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult }) => !lostSubmission(actionResult);

export const clientLoader = keepPageWhenOffline("root");

export function Layout({ children }: { children: ReactNode }) {
  const rootData = useRouteLoaderData<typeof loader>("root");
  const offline = useOfflineNotice();
  const requestId = useRequestId();
  const nonce = useNonce();
  const refreshSeconds = useRefreshSeconds();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta
          name="description"
          content="Cardfile, a small contacts CRM: names, emails, companies, phones and notes, searchable, on any network."
        />
        {requestId ? <meta name="request-id" content={requestId} /> : null}
        {refreshSeconds ? (
          // Without JavaScript, a page that follows work in progress (an import) reloads itself; with it, the page polls instead.
          <noscript>
            <meta httpEquiv="refresh" content={String(refreshSeconds)} />
          </noscript>
        ) : null}
        <Meta />
        <Links />
      </head>
      <body>
        {/* The spaces between the header's parts are for text browsers (w3m ran
            them together); in its flex boxes they take no room. */}
        <a className="skip-link" href="#main">
          Skip to content
        </a>{" "}
        <header className="site-header">
          <Link to="/" className="brand">
            Cardfile
          </Link>{" "}
          {rootData?.user ? (
            <nav aria-label="Account">
              <span className="who" title="Signed in as">
                {rootData.user.email}
              </span>{" "}
              <Link to="/account">Account</Link>{" "}
              <Form method="post" action="/logout">
                <button type="submit" className="link-button">
                  Log out
                </button>
              </Form>
            </nav>
          ) : null}
        </header>
        <main id="main">
          {offline ? (
            <p className="offline-notice" role="status">
              Offline: this page may be out of date. It will refresh when Cardfile can be reached.
            </p>
          ) : null}
          {rootData?.flash ? <FlashMessage flash={rootData.flash} undoKey={rootData.undoKey} /> : null}
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
function FlashMessage({ flash, undoKey }: { flash: Flash; undoKey: string | null }) {
  const error = flash.kind === "error";
  const location = useLocation();
  // With JavaScript the Undo is a fetcher, so the list can show the row again
  // while the request is on its way (see contacts._index); its redirect still
  // lands on the list with the outcome. Without JavaScript it is a plain form.
  const undo = useFetcher({ key: `restore:${flash.undoContactId}` });
  const message = (
    <p className={error ? "flash flash-error" : "flash"} role={error ? "alert" : "status"}>
      {flash.message}
    </p>
  );
  if (flash.undoDeletedAt) {
    return (
      <PlainUndo action="/contacts/bulk" message={message} undoKey={undoKey}>
        <input type="hidden" name="action" value="undo-delete" />
        <input type="hidden" name="deletedAt" value={String(flash.undoDeletedAt)} />
      </PlainUndo>
    );
  }
  if (flash.undoMergeId) return <PlainUndo action={`/contacts/merge/${flash.undoMergeId}/undo`} message={message} undoKey={undoKey} />;
  if (!flash.undoContactId) return message;
  const undoing = undo.state !== "idle";
  const lost = !undoing && lostSubmission(undo.data);
  return (
    <div className="flash-row">
      {message}
      <undo.Form method="post" action={`/contacts/${flash.undoContactId}/restore`}>
        {undoKey ? <SubmissionKey value={undoKey} /> : null}
        <input type="hidden" name="returnTo" value={location.pathname + location.search} />
        <button type="submit" disabled={undoing} aria-disabled={undoing}>
          {undoing ? "Undoing…" : "Undo"}
        </button>
      </undo.Form>
      {lost ? (
        <p className="form-error" role="alert">
          Couldn't reach Cardfile to undo. Try again.
        </p>
      ) : null}
    </div>
  );
}

/**
 * The Undo of a bulk delete (one for every contact it deleted) or of a
 * merge: a plain POST form to `action` (a navigation with JavaScript) with
 * the hidden inputs given, and the page to come back to.
 */
function PlainUndo({
  action,
  message,
  undoKey,
  children,
}: {
  action: string;
  message: JSX.Element;
  undoKey: string | null;
  children?: ReactNode;
}) {
  const location = useLocation();
  return (
    <div className="flash-row">
      {message}
      <Form method="post" action={action}>
        {undoKey ? <SubmissionKey value={undoKey} /> : null}
        {children}
        <input type="hidden" name="returnTo" value={location.pathname + location.search} />
        <button type="submit">Undo</button>
      </Form>
    </div>
  );
}

/** A page's `refreshSeconds` (its loader data): it shows work in progress and should be reloaded that often. */
function useRefreshSeconds(): number | null {
  const matches = useMatches();
  for (const match of matches) {
    const seconds = (match.data as { refreshSeconds?: unknown } | undefined)?.refreshSeconds;
    if (typeof seconds === "number" && seconds > 0) return seconds;
  }
  return null;
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
