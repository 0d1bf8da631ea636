import { z } from "#app/zod";

// Shared by the forms (conform, in the browser) and the actions (server).
const email = z
  .string({ error: "Enter your email address" })
  .trim()
  .normalize("NFC")
  .max(255, "Email must be at most 255 characters")
  .email("Enter a valid email address, like ada@example.com");

export const LoginSchema = z.object({
  email,
  password: z.string({ error: "Enter your password" }).max(128, "Password must be at most 128 characters"),
  redirectTo: z.string().optional(),
});

export const SignupSchema = z.object({
  email,
  password: z
    .string({ error: "Choose a password" })
    .min(8, "Password must be at least 8 characters")
    .max(128, "Password must be at most 128 characters"),
});

/**
 * The account page's forms, one intent each: sign out one session (by its
 * id), or every session.
 */
export const AccountFormSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("revoke"), sessionId: z.string({ error: "No such session" }) }),
  z.object({ intent: z.literal("revoke-all") }),
]);
