// Health, reflection, validation errors, unimplemented RPCs and plain-HTTP routing on the real listener.
import { create } from "@bufbuild/protobuf";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Health, HealthCheckResponse_ServingStatus as Status } from "../../gen/grpc/health/v1/health_pb.js";
import { ServerReflection, ServerReflectionRequestSchema } from "../../gen/grpc/reflection/v1/reflection_pb.js";
import { CacheService } from "../../gen/waybill/v1/cache_service_pb.js";
import { CarrierService } from "../../gen/waybill/v1/carrier_service_pb.js";
import { startTestApp, type TestApp } from "../support/app.js";

let t: TestApp;
test.before(async () => {
  t = await startTestApp("server");
});
test.after(async () => {
  await t?.stop();
});

const transport = () => createGrpcTransport({ baseUrl: t.baseUrl });

test("health Check is SERVING for the server and each service; unknown service is NotFound", async () => {
  const health = createClient(Health, transport());
  assert.is((await health.check({ service: "" })).status, Status.SERVING);
  assert.is((await health.check({ service: "waybill.v1.TrackingService" })).status, Status.SERVING);
  const err = await health.check({ service: "nope.Service" }).catch((e: unknown) => ConnectError.from(e));
  assert.instance(err, ConnectError);
  assert.is((err as ConnectError).code, Code.NotFound);
  const list = await health.list({});
  assert.ok("waybill.v1.CarrierService" in list.statuses);
});

test("health Watch streams the current status and ends when the client cancels", async () => {
  const health = createClient(Health, transport());
  const abort = new AbortController();
  const seen: Status[] = [];
  try {
    for await (const res of health.watch({ service: "" }, { signal: abort.signal })) {
      seen.push(res.status);
      abort.abort();
    }
  } catch (e) {
    assert.is(ConnectError.from(e).code, Code.Canceled);
  }
  assert.equal(seen, [Status.SERVING]);
});

test("reflection v1 lists the four services, health and reflection, and resolves a symbol", async () => {
  const reflection = createClient(ServerReflection, transport());
  async function* requests() {
    yield create(ServerReflectionRequestSchema, { messageRequest: { case: "listServices", value: "" } });
    yield create(ServerReflectionRequestSchema, {
      messageRequest: { case: "fileContainingSymbol", value: "waybill.v1.TrackingService.GetTracking" },
    });
  }
  const answers = [];
  for await (const res of reflection.serverReflectionInfo(requests())) answers.push(res);
  const list = answers[0]?.messageResponse;
  assert.is(list?.case, "listServicesResponse");
  const names = list?.case === "listServicesResponse" ? list.value.service.map((s) => s.name).sort() : [];
  assert.equal(names, [
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
    "grpc.reflection.v1alpha.ServerReflection",
    "waybill.v1.CacheService",
    "waybill.v1.CarrierService",
    "waybill.v1.SyncService",
    "waybill.v1.TrackingService",
  ]);
  const file = answers[1]?.messageResponse;
  assert.is(file?.case, "fileDescriptorResponse");
  assert.ok(file?.case === "fileDescriptorResponse" && file.value.fileDescriptorProto.length >= 3);
});

test("a bad request is InvalidArgument with its field violations", async () => {
  const carriers = createClient(CarrierService, transport());
  const err = await carriers
    .getCarrier({ carrierCode: "Not A Code!" })
    .then(() => undefined)
    .catch((e: unknown) => ConnectError.from(e));
  assert.ok(err, "expected an error");
  assert.is(err.code, Code.InvalidArgument);
  const [violations] = err.findDetails(ViolationsSchema);
  assert.ok(violations, "violations detail expected");
  assert.is(violations.violations[0]?.field?.elements[0]?.fieldName, "carrier_code");
});

test("a bad page token is InvalidArgument, not Internal", async () => {
  const carriers = createClient(CarrierService, transport());
  const err = await carriers.listCarriers({ pageToken: "garbage!!" }).catch((e: unknown) => ConnectError.from(e));
  assert.is((err as ConnectError).code, Code.InvalidArgument);
  assert.match((err as ConnectError).rawMessage, /page_token/);
});

test("CacheService is served: GetCacheStatistics answers with Redis's state", async () => {
  const cache = createClient(CacheService, transport());
  const stats = await cache.getCacheStatistics({});
  assert.is(stats.redisAvailable, true);
  assert.ok(stats.families.some((f) => f.name === "tracking:status"));
});

test("an unknown plain path is 404", async () => {
  const res = await fetch(`${t.baseUrl}/nope`);
  assert.is(res.status, 404);
  await res.text();
});

test.run();
