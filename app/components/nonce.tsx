import { createContext, useContext } from "react";

/**
 * The CSP nonce of this response, for the scripts Remix renders. Only the
 * server knows it; in the browser it is "" (browsers hide nonce attributes,
 * and scripts added after hydration are trusted through 'strict-dynamic').
 */
export const NonceContext = createContext("");

export function useNonce(): string {
  return useContext(NonceContext);
}
