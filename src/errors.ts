// The one error vocabulary of the service (STYLE §4). Domain code throws these; toConnectError() in the error
// interceptor is the only place that turns them into wire codes.
import { Code, ConnectError } from "@connectrpc/connect";

export type DomainErrorKind =
  | "not_found"
  | "already_exists"
  | "invalid_argument"
  | "failed_precondition"
  | "resource_exhausted"
  | "unavailable"
  | "unauthenticated"
  | "permission_denied"
  | "unimplemented";

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DomainError";
  }
}

export const notFound = (what: string) => new DomainError("not_found", `${what} not found`);
export const invalidArgument = (message: string) => new DomainError("invalid_argument", message);
export const failedPrecondition = (message: string) => new DomainError("failed_precondition", message);
export const alreadyExists = (message: string) => new DomainError("already_exists", message);
export const resourceExhausted = (message: string) => new DomainError("resource_exhausted", message);
export const unavailable = (message: string, cause?: unknown) => new DomainError("unavailable", message, { cause });

const codeOf: Record<DomainErrorKind, Code> = {
  not_found: Code.NotFound,
  already_exists: Code.AlreadyExists,
  invalid_argument: Code.InvalidArgument,
  failed_precondition: Code.FailedPrecondition,
  resource_exhausted: Code.ResourceExhausted,
  unavailable: Code.Unavailable,
  unauthenticated: Code.Unauthenticated,
  permission_denied: Code.PermissionDenied,
  unimplemented: Code.Unimplemented,
};

/** Whether an error is expected (the caller's fault or a known condition) rather than a bug. */
export function isExpected(err: unknown): boolean {
  return err instanceof DomainError || err instanceof ConnectError;
}

/**
 * Maps any thrown value to a ConnectError. Domain errors keep their message; ConnectErrors (validation, aborts) pass
 * through; anything else becomes a generic Internal so internals never leak (the caller logs the original).
 */
export function toConnectError(err: unknown): ConnectError {
  if (err instanceof ConnectError) return err;
  if (err instanceof DomainError) return new ConnectError(err.message, codeOf[err.kind], undefined, undefined, err);
  return new ConnectError("internal error", Code.Internal, undefined, undefined, err);
}
