import { Form, type FormProps } from "@remix-run/react";
import { FormProblem } from "./form-problem";
import { SubmissionKey } from "./submission-key";

/**
 * A form that writes, the browser side of writeAction
 * (app/http/write-action.server.ts): a plain POST form (it works without
 * JavaScript) carrying its one-time submission key (from the loader's
 * newSubmissionKey()), and, with JavaScript, the message for a submission
 * lost on the network (useWriteResult's networkFailure), or another problem.
 */
export function WriteForm({
  submissionKey,
  problem,
  children,
  ...props
}: Omit<FormProps, "method"> & { submissionKey: string; problem?: string | null }) {
  return (
    <>
      <FormProblem message={problem} />
      <Form method="post" {...props}>
        <SubmissionKey value={submissionKey} />
        {children}
      </Form>
    </>
  );
}
