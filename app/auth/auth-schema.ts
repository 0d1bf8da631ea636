import { z } from "#app/zod";

// Shared by the forms (conform, in the browser) and the actions (server).
export const email = z
  .string({ error: "Enter your email address" })
  .trim()
  .normalize("NFC")
  .max(255, "Email must be at most 255 characters")
  .email("Enter a valid email address, like ada@example.com");

/** A password being chosen (sign-up, reset, change): the length rules; the server adds the common-password list. */
export const newPassword = z
  .string({ error: "Choose a password" })
  .min(8, "Password must be at least 8 characters")
  .max(128, "Password must be at most 128 characters");

/** A password being checked (log-in, the account page's current password). */
export const currentPassword = z.string({ error: "Enter your password" }).max(128, "Password must be at most 128 characters");

export const LoginSchema = z.object({
  email,
  password: currentPassword,
  redirectTo: z.string().optional(),
});

export const SignupSchema = z.object({ email, password: newPassword });

/** /forgot-password's form. */
export const ForgotPasswordSchema = z.object({ email });

/** /reset-password's form: the token travels in a hidden input. */
export const ResetPasswordSchema = z.object({
  token: z.string({ error: "This link is incomplete." }).max(100),
  password: newPassword,
});

/** /account/confirm-email's form: the button that confirms the new address. */
export const ConfirmEmailSchema = z.object({ token: z.string({ error: "This link is incomplete." }).max(100) });

export const ChangePasswordSchema = z.object({
  intent: z.literal("change-password"),
  currentPassword,
  newPassword,
});

export const ChangeEmailSchema = z.object({
  intent: z.literal("change-email"),
  email,
  password: currentPassword,
});

export const DeleteAccountSchema = z.object({
  intent: z.literal("delete-account"),
  password: currentPassword,
  confirm: z.literal("yes", { error: "Tick the box to confirm that everything goes." }),
});

/**
 * The account page's forms, one intent each: sign out one session (by its
 * id) or every session; change the password or the address; delete the account.
 */
export const AccountFormSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("revoke"), sessionId: z.string({ error: "No such session" }) }),
  z.object({ intent: z.literal("revoke-all") }),
  ChangePasswordSchema,
  ChangeEmailSchema,
  DeleteAccountSchema,
]);
