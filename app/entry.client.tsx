import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { RequestIdContext } from "#app/components/request-id";

// The server put the failed request's id in a meta tag; hydrate with the same.
const requestId = document.querySelector<HTMLMetaElement>('meta[name="request-id"]')?.content || undefined;

startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <RequestIdContext.Provider value={requestId}>
        <RemixBrowser />
      </RequestIdContext.Provider>
    </StrictMode>,
  );
});
