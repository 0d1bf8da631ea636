import { isRouteErrorResponse, Link, useLocation, useRouteError } from "@remix-run/react";
import { useRequestId } from "./request-id";

/**
 * The 404 and 500 pages, rendered inside the app's layout. Only a status and
 * a fixed message reach the page: never a stack trace or SQL. The server log
 * has the details under the request id shown here.
 */
export function GeneralErrorBoundary({ notFoundMessage }: { notFoundMessage?: string }) {
  const error = useRouteError();
  // The id belongs to the document the server rendered (location key
  // "default"); after a client-side navigation it would name another request.
  const location = useLocation();
  const documentRequestId = useRequestId();
  const requestId = location.key === "default" ? documentRequestId : undefined;

  if (isRouteErrorResponse(error) && error.status < 500) {
    const notFound = error.status === 404;
    return (
      <section className="error-page" aria-labelledby="error-title">
        <h1 id="error-title">{notFound ? "Not found" : `Error ${error.status}`}</h1>
        <p>
          {notFound
            ? (notFoundMessage ?? "There is nothing at this address.")
            : typeof error.data === "string"
              ? error.data
              : "That request could not be handled."}
        </p>
        <p>
          <Link to="/contacts">Back to your contacts</Link>
        </p>
      </section>
    );
  }

  if (isRouteErrorResponse(error) && error.status === 503) {
    return (
      <section className="error-page" aria-labelledby="error-title">
        <h1 id="error-title">Cardfile is briefly unavailable</h1>
        <p>We can't reach our database right now. Nothing you saved is lost. Please try again in a few seconds.</p>
        <p>
          <Link to="." reloadDocument>
            Try again
          </Link>
        </p>
      </section>
    );
  }

  return (
    <section className="error-page" aria-labelledby="error-title">
      <h1 id="error-title">Something went wrong</h1>
      <p>Cardfile could not finish that request. Nothing you saved before is lost; please try again.</p>
      {requestId ? (
        <p>
          If it keeps happening, tell us this reference: <code>{requestId}</code>
        </p>
      ) : null}
      <p>
        <Link to="/contacts" reloadDocument>
          Back to your contacts
        </Link>
      </p>
    </section>
  );
}
