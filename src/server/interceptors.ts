// Cross-cutting RPC behaviour, in the order requests meet it: error mapping + logging (outermost, so it sees
// everything including validation failures), then protovalidate (innermost, reference/stack.md §4).
import type { Interceptor } from "@connectrpc/connect";
import { createValidateInterceptor } from "@connectrpc/validate";
import type { Logger } from "pino";
import { isExpected, toConnectError } from "../errors.js";

/** Logs one line per RPC and maps thrown errors through toConnectError(); unexpected errors are logged in full. */
export function createErrorInterceptor(logger: Logger): Interceptor {
  return (next) => async (req) => {
    const rpc = `${req.service.typeName}/${req.method.name}`;
    const started = performance.now();
    try {
      const res = await next(req);
      if (!res.stream) {
        logger.debug({ rpc, ms: Math.round(performance.now() - started) }, "rpc ok");
        return res;
      }
      // A server stream fails while it is iterated, after next() resolved: wrap it so those errors are mapped too.
      const source = res.message;
      async function* mapped() {
        try {
          yield* source;
        } catch (err) {
          throw report(err);
        }
      }
      return { ...res, message: mapped() };
    } catch (err) {
      throw report(err);
    }

    function report(err: unknown) {
      const mapped = toConnectError(err);
      const ms = Math.round(performance.now() - started);
      if (isExpected(err)) logger.info({ rpc, ms, code: mapped.code, msg: mapped.rawMessage }, "rpc error");
      else logger.error({ rpc, ms, err }, "rpc failed unexpectedly");
      return mapped;
    }
  };
}

export function createInterceptors(logger: Logger): Interceptor[] {
  // The last interceptor is closest to the handler.
  return [createErrorInterceptor(logger), createValidateInterceptor()];
}
