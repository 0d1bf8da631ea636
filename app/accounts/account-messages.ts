import { composeMessage, type MessageBody } from "#app/mail/compose";

// What Cardfile writes to people about their account. Each message says why
// it came and what to do if the reader did not ask for it; none holds the
// password, and only the two that need one hold a link.

export interface AccountMessage extends MessageBody {
  subject: string;
}

const NOT_YOU_RESET = "If you did not ask for this, ignore this message: your password stays as it is.";
const NOT_YOU_CHANGE = "If this was not you, reset your password now from the log-in page, and sign out everywhere on your account page.";

export function resetLinkMessage(url: string, minutes: number): AccountMessage {
  return {
    subject: "Choose a new Cardfile password",
    ...composeMessage({
      greeting: "Hello,",
      lead: ["Someone (we hope you) asked to reset the password of the Cardfile account that uses this address."],
      action: { label: "Choose a new password", url },
      after: [`The link works once, for ${minutes} minutes; asking again replaces it with a new one.`, NOT_YOU_RESET],
    }),
  };
}

export function passwordChangedMessage(how: "reset" | "changed", loginUrl: string): AccountMessage {
  return {
    subject: "Your Cardfile password was changed",
    ...composeMessage({
      greeting: "Hello,",
      lead: [
        how === "reset"
          ? "The password of your Cardfile account was just reset with a link sent to this address. Every device that was signed in has been signed out."
          : "The password of your Cardfile account was just changed on the account page. Every other device that was signed in has been signed out.",
        NOT_YOU_CHANGE,
      ],
      action: { label: "Log in", url: loginUrl },
    }),
  };
}

export function confirmEmailMessage(url: string, hours: number): AccountMessage {
  return {
    subject: "Confirm your new Cardfile address",
    ...composeMessage({
      greeting: "Hello,",
      lead: ["Someone (we hope you) asked to use this address for their Cardfile account. It takes effect once you confirm it."],
      action: { label: "Confirm this address", url },
      after: [`The link works once, for ${hours} hours.`, "If you did not ask for this, ignore this message: nothing changes."],
    }),
  };
}

export function emailChangedMessage(newEmail: string): AccountMessage {
  return {
    subject: "Your Cardfile address was changed",
    ...composeMessage({
      greeting: "Hello,",
      lead: [
        `Your Cardfile account now uses ${newEmail}. Messages about the account, and password resets, go there from now on; this address no longer logs in.`,
        "If this was not you, someone else has been using your account: tell whoever runs this Cardfile site at once.",
      ],
    }),
  };
}
