// RPCs whose issue has not landed answer Unimplemented with a message that says so, instead of Connect's generic one.
import type { DescService } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";

export function withUnimplemented<S extends DescService>(
  service: S,
  impl: Partial<ServiceImpl<S>>,
  note: string,
): ServiceImpl<S> {
  const full: Record<string, unknown> = { ...impl };
  for (const method of service.methods) {
    if (full[method.localName]) continue;
    const message = `${service.name}.${method.name} is not implemented yet (${note})`;
    full[method.localName] =
      method.methodKind === "server_streaming"
        ? // biome-ignore lint/correctness/useYield: a stream that fails before its first message
          async function* () {
            throw new ConnectError(message, Code.Unimplemented);
          }
        : () => {
            throw new ConnectError(message, Code.Unimplemented);
          };
  }
  return full as ServiceImpl<S>;
}
