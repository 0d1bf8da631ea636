import { createContext, useContext } from "react";

/** The id under which the server logged this page's failure, if it failed. */
export const RequestIdContext = createContext<string | undefined>(undefined);

export function useRequestId(): string | undefined {
  return useContext(RequestIdContext);
}
