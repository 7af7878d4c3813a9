// gRPC server reflection (v1 and v1alpha) so buf curl / grpcurl work without proto files. Connect-ES has no
// reflection package (reference/stack.md §3); this answers list_services, file_by_filename and
// file_containing_symbol from the generated descriptors, and NOT_FOUND/UNIMPLEMENTED for the rest.
import { createRegistry, type DescFile, type DescService, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import type { ConnectRouter } from "@connectrpc/connect";
import { ServerReflection as ReflectionV1 } from "../../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ReflectionV1alpha } from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";

interface ReflectionRequest {
  messageRequest:
    | { case: "fileByFilename"; value: string }
    | { case: "fileContainingSymbol"; value: string }
    | { case: "listServices"; value: string }
    | { case: string | undefined; value?: unknown };
}

function collectFiles(services: readonly DescService[]): DescFile[] {
  const seen = new Map<string, DescFile>();
  const visit = (f: DescFile) => {
    if (seen.has(f.name)) return;
    seen.set(f.name, f);
    for (const d of f.dependencies) visit(d);
  };
  for (const s of services) visit(s.file);
  return [...seen.values()];
}

function createAnswerer(services: readonly DescService[]) {
  const files = collectFiles(services);
  const registry = createRegistry(...files);
  const byName = new Map(files.map((f) => [f.name, f]));

  // A file and everything it imports, each serialized once, dependencies included so clients can link.
  const withDeps = (file: DescFile): Uint8Array[] => {
    const out: DescFile[] = [];
    const visit = (f: DescFile) => {
      if (out.includes(f)) return;
      out.push(f);
      for (const d of f.dependencies) visit(d);
    };
    visit(file);
    return out.map((f) => toBinary(FileDescriptorProtoSchema, f.proto));
  };

  const fileOfSymbol = (symbol: string): DescFile | undefined => {
    const direct = registry.get(symbol);
    if (direct && "file" in direct) return direct.file;
    // A method name: strip the last segment and look the service up.
    const service = registry.getService(symbol.slice(0, symbol.lastIndexOf(".")));
    return service?.file;
  };

  return (req: ReflectionRequest) => {
    const base = { validHost: "", originalRequest: req as never };
    const r = req.messageRequest;
    switch (r.case) {
      case "listServices":
        return {
          ...base,
          messageResponse: {
            case: "listServicesResponse" as const,
            value: { service: services.map((s) => ({ name: s.typeName })) },
          },
        };
      case "fileByFilename":
      case "fileContainingSymbol": {
        const name = String(r.value);
        const file = r.case === "fileByFilename" ? byName.get(name) : fileOfSymbol(name);
        if (!file) {
          return {
            ...base,
            messageResponse: {
              case: "errorResponse" as const,
              value: {
                errorCode: 5,
                errorMessage: `${r.case === "fileByFilename" ? "file" : "symbol"} "${name}" not found`,
              },
            },
          };
        }
        return {
          ...base,
          messageResponse: { case: "fileDescriptorResponse" as const, value: { fileDescriptorProto: withDeps(file) } },
        };
      }
      default:
        return {
          ...base,
          messageResponse: {
            case: "errorResponse" as const,
            value: { errorCode: 12, errorMessage: "extension queries are not supported" },
          },
        };
    }
  };
}

/** Registers both reflection versions, describing `services` (which should include the reflection services). */
export function registerReflection(router: ConnectRouter, services: readonly DescService[]): void {
  const all = [...services, ReflectionV1, ReflectionV1alpha];
  const answer = createAnswerer(all);
  router.service(ReflectionV1, {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) yield answer(req as ReflectionRequest);
    },
  });
  router.service(ReflectionV1alpha, {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) yield answer(req as ReflectionRequest);
    },
  });
}
