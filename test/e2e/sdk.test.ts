// The published SDK against the real server, over each Node transport a consumer would pick, and its build.
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Code, ConnectError, createWaybillClients, RegistrationState } from "../../sdk/src/index.js";
import { startTestApp, type TestApp } from "../support/app.js";

let t: TestApp;
test.before(async () => {
  t = await startTestApp("sdk");
});
test.after(() => t?.stop());

test("one client set per transport: gRPC, Connect and gRPC-Web all reach every service", async () => {
  const transports = {
    grpc: createGrpcTransport({ baseUrl: t.baseUrl }),
    connect: createConnectTransport({ baseUrl: t.baseUrl, httpVersion: "1.1" }),
    grpcWeb: createGrpcWebTransport({ baseUrl: t.baseUrl, httpVersion: "1.1" }),
  };
  for (const [name, transport] of Object.entries(transports)) {
    const api = createWaybillClients(transport);
    const { carrier } = await api.carriers.getCarrier({ carrierCode: "dhl-express" });
    assert.is(carrier?.carrierCode, "dhl-express", name);
    const reg = await api.tracking.registerTracking({ trackingNumber: "1Z999AA10123456784" });
    assert.is(reg.record?.carrier?.carrierCode, "ups", name);
    assert.ok(
      [RegistrationState.PENDING, RegistrationState.ACCEPTED].includes(
        reg.record?.registration?.state as RegistrationState,
      ),
    );
    const stats = await api.sync.getSyncStatistics({});
    assert.ok(stats, name);
    const err = await api.tracking
      .getTracking({ lookup: { case: "trackingId", value: "6f1c1a8e-1b7e-4c56-9d55-5b8a7e5b2c11" } })
      .catch((e: unknown) => ConnectError.from(e));
    assert.is((err as ConnectError).code, Code.NotFound, name);
  }
});

test("the SDK package builds to JavaScript with type declarations", () => {
  rmSync("sdk/dist", { recursive: true, force: true });
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "sdk/tsconfig.json"], { stdio: "pipe" });
  assert.ok(existsSync("sdk/dist/sdk/src/index.js"));
  assert.ok(existsSync("sdk/dist/sdk/src/index.d.ts"));
  assert.ok(existsSync("sdk/dist/gen/waybill/v1/tracking_service_pb.js"));
});

test.run();
