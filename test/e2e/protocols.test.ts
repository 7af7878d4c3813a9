// One port, every protocol: the same RPC through Connect JSON over HTTP/1.1 (plain fetch), Connect over h2c,
// gRPC through connect-node and through @grpc/grpc-js loading the .proto files (an independent client), and gRPC-Web.
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CarrierService } from "../../gen/waybill/v1/carrier_service_pb.js";
import { startTestApp, type TestApp } from "../support/app.js";

let t: TestApp;
test.before(async () => {
  t = await startTestApp("protocols");
});
test.after(async () => {
  await t?.stop();
});

test("Connect JSON over HTTP/1.1 with plain fetch", async () => {
  const res = await fetch(`${t.baseUrl}/waybill.v1.CarrierService/GetCarrier`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ carrierCode: "ups" }),
  });
  assert.is(res.status, 200);
  const body = (await res.json()) as { carrier: { carrierCode: string; track17Key: number } };
  assert.is(body.carrier.carrierCode, "ups");
  assert.is(body.carrier.track17Key, 100002);
});

const transports = {
  "Connect over h2c": () => createConnectTransport({ baseUrl: t.baseUrl, httpVersion: "2" }),
  "Connect over HTTP/1.1": () => createConnectTransport({ baseUrl: t.baseUrl, httpVersion: "1.1" }),
  "gRPC (connect-node, h2c)": () => createGrpcTransport({ baseUrl: t.baseUrl }),
  "gRPC-Web over HTTP/1.1": () => createGrpcWebTransport({ baseUrl: t.baseUrl, httpVersion: "1.1" }),
  "gRPC-Web over h2c": () => createGrpcWebTransport({ baseUrl: t.baseUrl, httpVersion: "2" }),
};
for (const [name, make] of Object.entries(transports)) {
  test(`${name}: ListCarriers`, async () => {
    const client = createClient(CarrierService, make());
    const res = await client.listCarriers({ pageSize: 5 });
    assert.is(res.carriers.length, 5);
    assert.ok(res.nextPageToken, "more pages expected");
  });
}

test("gRPC through @grpc/grpc-js loading the .proto files", async () => {
  const def = protoLoader.loadSync("waybill/v1/carrier_service.proto", {
    includeDirs: ["proto", "vendor", "node_modules/protobufjs"],
    defaults: true,
    longs: String,
    enums: String,
  });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    waybill: { v1: { CarrierService: grpc.ServiceClientConstructor } };
  };
  const client = new pkg.waybill.v1.CarrierService(`127.0.0.1:${t.port}`, grpc.credentials.createInsecure());
  try {
    const res = await new Promise<{ carrier: { carrierCode: string } }>((resolve, reject) =>
      client.GetCarrier({ carrierCode: "usps" }, (err: Error | null, value: { carrier: { carrierCode: string } }) =>
        err ? reject(err) : resolve(value),
      ),
    );
    assert.is(res.carrier.carrierCode, "usps");
    const err = await new Promise<grpc.ServiceError>((resolve) =>
      client.GetCarrier({ carrierCode: "no-such-carrier" }, (e: grpc.ServiceError) => resolve(e)),
    );
    assert.is(err.code, grpc.status.NOT_FOUND);
    assert.match(err.details, /no-such-carrier/);
  } finally {
    client.close();
  }
});

test.run();
