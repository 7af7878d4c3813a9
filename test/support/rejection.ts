// For asserting on the error a call fails with (its class, code, message), which assert.throws cannot do for promises.
import { ConnectError } from "@connectrpc/connect";

/** The error `p` rejects with; throws when it resolves. */
export async function rejectionOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a rejection");
}

/** The error an RPC call rejects with, as the ConnectError a client sees (code, message); throws when it resolves. */
export async function connectErrorOf(p: Promise<unknown>): Promise<ConnectError> {
  return ConnectError.from(await rejectionOf(p));
}
