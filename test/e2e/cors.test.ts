// Browsers: CORS on the one port for the configured origins only, with the headers Connect and gRPC-Web need.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestApp, type TestApp } from "../support/app.js";

const ALLOWED = "https://app.example.com";
let t: TestApp;
test.before(async () => {
  t = await startTestApp("cors", { CORS_ORIGINS: `${ALLOWED}, https://ops.example.com` });
});
test.after(() => t?.stop());

const path = "/waybill.v1.CarrierService/ListCarriers";

test("a preflight from an allowed origin names the methods and headers Connect and gRPC-Web send", async () => {
  const res = await fetch(`${t.baseUrl}${path}`, {
    method: "OPTIONS",
    headers: {
      origin: ALLOWED,
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type,connect-protocol-version,x-grpc-web,x-user-agent",
    },
  });
  assert.ok(res.status === 204 || res.status === 200, `status ${res.status}`);
  assert.is(res.headers.get("access-control-allow-origin"), ALLOWED);
  assert.match(res.headers.get("access-control-allow-methods") ?? "", /POST/);
  const allowed = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase();
  for (const h of ["content-type", "connect-protocol-version", "x-grpc-web", "x-user-agent"]) {
    assert.ok(allowed.includes(h), `${h} allowed: ${allowed}`);
  }
});

test("a Connect call from an allowed origin is answered with the origin and the exposed gRPC headers", async () => {
  const res = await fetch(`${t.baseUrl}${path}`, {
    method: "POST",
    headers: { origin: ALLOWED, "content-type": "application/json", "connect-protocol-version": "1" },
    body: JSON.stringify({ pageSize: 2 }),
  });
  assert.is(res.status, 200);
  assert.is(res.headers.get("access-control-allow-origin"), ALLOWED);
  const exposed = (res.headers.get("access-control-expose-headers") ?? "").toLowerCase();
  assert.ok(exposed.includes("grpc-status") && exposed.includes("grpc-message"), exposed);
  assert.is(((await res.json()) as { carriers: unknown[] }).carriers.length, 2);
});

test("another origin gets no CORS grant (the browser blocks it)", async () => {
  const res = await fetch(`${t.baseUrl}${path}`, {
    method: "OPTIONS",
    headers: { origin: "https://evil.example.net", "access-control-request-method": "POST" },
  });
  assert.is(res.headers.get("access-control-allow-origin"), null);
  await res.text();
});

test.run();
