import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";

// Where a deleted account lands (the flash above says what happened).

export const meta: MetaFunction = () => [{ title: "Goodbye · Cardfile" }];

export default function GoodbyePage() {
  return (
    <section className="narrow" aria-labelledby="goodbye-title">
      <h1 id="goodbye-title">Your account is deleted</h1>
      <p>Your contacts, labels, imports and sessions are gone from Cardfile. Thank you for having used it.</p>
      <p>
        Changed your mind? <Link to="/signup">Create a new account</Link> and import the file you downloaded.
      </p>
    </section>
  );
}
