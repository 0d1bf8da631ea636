import { randomBytes } from "node:crypto";

/** 128 random bits, URL-safe (22 characters): unguessable, unlike a counter. */
export function newId(): string {
  return randomBytes(16).toString("base64url");
}

export const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
