/** Why a form's submission did not go through (a request lost on the network, say), said as an alert above it. */
export function FormProblem({ message }: { message: string | null | undefined }) {
  return message ? (
    <p className="form-error" role="alert">
      {message}
    </p>
  ) : null;
}
