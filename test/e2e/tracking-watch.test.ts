// WatchTracking and WatchUpdates through the public API: live events pushed by 17TRACK reach open streams, a resumed
// stream replays exactly what it missed, the feed filters and resumes from its cursor, a deleted shipment ends its watch.
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { TrackingService, type WatchTrackingResponse } from "../../gen/waybill/v1/tracking_service_pb.js";
import { RegistrationState, TrackingStatus } from "../../gen/waybill/v1/types_pb.js";
import { createDefaultSimulator } from "../../src/simulator/defaults.js";
import { simulatorEnv, startTestApp, type TestApp } from "../support/app.js";

const KEY = "e2e-watch-key";
const HOUR = 3600_000;
const sim = createDefaultSimulator({ apiKey: KEY, ratePerSecond: 50, clockMode: "frozen" });
let t: TestApp;
let client: ReturnType<typeof createClient<typeof TrackingService>>;

test.before(async () => {
  const simUrl = await sim.listen(0, "127.0.0.1");
  t = await startTestApp("tracking-watch", simulatorEnv(simUrl, KEY));
  sim.setWebhookUrl(`${t.baseUrl}/webhooks/17track`);
  client = createClient(TrackingService, createGrpcTransport({ baseUrl: t.baseUrl }));
});
test.after(async () => {
  await t?.stop();
  await sim.close();
});

async function accepted(trackingNumber: string): Promise<string> {
  const id = (await client.registerTracking({ trackingNumber, autoRefreshEnabled: false })).record
    ?.trackingId as string;
  for (let i = 0; i < 150; i++) {
    const r = (await client.getTracking({ lookup: { case: "trackingId", value: id } })).record;
    if (r?.registration?.state === RegistrationState.ACCEPTED) return id;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${trackingNumber} not accepted`);
}

/** Collects stream messages in the background until `count` arrived (or the timeout). */
function collect<T>(stream: AsyncIterable<T>, count: number, ms = 15_000): Promise<T[]> {
  const got: T[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${got.length} of ${count} messages`)), ms);
    (async () => {
      for await (const m of stream) {
        got.push(m);
        if (got.length === count) break;
      }
      clearTimeout(timer);
      resolve(got);
    })().catch((e: unknown) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

const kinds = (ms: WatchTrackingResponse[]) =>
  ms.map((m) =>
    m.update.case === "event"
      ? `event:${m.update.value.description}`
      : `record:${TrackingStatus[m.update.value?.status ?? 0]}`,
  );

test("WatchTracking: the record first, then pushed events live, the record again on a status change; resumable", async () => {
  const number = "1Z5R89390357567127";
  const id = await accepted(number);
  const abort = new AbortController();
  const live = collect(client.watchTracking({ trackingId: id }, { signal: abort.signal }), 4);
  await new Promise((r) => setTimeout(r, 300));
  await sim.scriptShipment(number, {
    events: [
      { afterMs: HOUR, subStatus: "InTransit_PickedUp", description: "Picked up", country: "US", city: "Reno" },
      {
        afterMs: 2 * HOUR,
        subStatus: "OutForDelivery_Other",
        description: "Out for delivery",
        country: "US",
        city: "Reno",
      },
    ],
  });
  await sim.advanceClock(3 * HOUR);
  const messages = await live;
  abort.abort();
  assert.equal(kinds(messages), [
    "record:NOT_FOUND",
    "event:Picked up",
    "event:Out for delivery",
    "record:OUT_FOR_DELIVERY",
  ]);

  const first = messages[1]?.update.value as { eventId: bigint };
  const resumeAbort = new AbortController();
  const resumed = await collect(
    client.watchTracking({ trackingId: id, afterEventId: first.eventId }, { signal: resumeAbort.signal }),
    2,
  );
  resumeAbort.abort();
  assert.equal(kinds(resumed), ["record:OUT_FOR_DELIVERY", "event:Out for delivery"]);
});

test("WatchUpdates: a filtered live feed with cursors; resuming from a cursor replays what came after it", async () => {
  const number = "1Z410E7W0392751591";
  // Any change of the feed before the delivery gives a cursor to resume from: the registration settling.
  const cursorAbort = new AbortController();
  const firstChange = collect(client.watchUpdates({}, { signal: cursorAbort.signal }), 1);
  await new Promise((r) => setTimeout(r, 300));
  const id = await accepted(number);
  const firstCursor = (await firstChange)[0]?.update?.cursor as string;
  cursorAbort.abort();
  const abort = new AbortController();
  const feed = collect(client.watchUpdates({ statuses: [TrackingStatus.DELIVERED] }, { signal: abort.signal }), 1);
  await new Promise((r) => setTimeout(r, 300));
  await sim.scriptShipment(number, {
    events: [
      { afterMs: HOUR, subStatus: "InTransit_PickedUp", description: "Picked up", country: "US", city: "Reno" },
      { afterMs: 2 * HOUR, subStatus: "Delivered_Other", description: "Delivered", country: "US", city: "Reno" },
    ],
  });
  await sim.advanceClock(3 * HOUR);
  const [delivered] = await feed;
  abort.abort();
  assert.is(delivered?.update?.record?.trackingId, id);
  assert.is(delivered?.update?.record?.status, TrackingStatus.DELIVERED);
  assert.is(delivered?.update?.previousStatus, TrackingStatus.NOT_FOUND);
  assert.is(delivered?.update?.eventsNew, 2);
  assert.match(delivered?.update?.cursor ?? "", /^c\d+\.\d+$/);

  // Resuming from an earlier cursor of the unfiltered feed replays everything after it, the delivery included.
  const all = new AbortController();
  const unfiltered = client.watchUpdates({ cursor: firstCursor }, { signal: all.signal });
  const replay: string[] = [];
  for await (const m of unfiltered) {
    replay.push(m.update?.cursor ?? "");
    if (m.update?.cursor === delivered?.update?.cursor) break;
  }
  all.abort();
  assert.ok(replay.length >= 1 && replay.at(-1) === delivered?.update?.cursor, replay.join(" "));

  const gone = await collect(client.watchUpdates({ cursor: "c1.1" }), 1).catch((e: unknown) => ConnectError.from(e));
  assert.is((gone as ConnectError).code, Code.FailedPrecondition);

  const bad = await collect(client.watchUpdates({ cursor: "nope" }), 1).catch((e: unknown) => ConnectError.from(e));
  assert.is((bad as ConnectError).code, Code.InvalidArgument);
});

test("WatchTracking of a deleted shipment ends; of an unknown one is NotFound", async () => {
  const id = await accepted("1Z879E930346834440");
  const stream = collect(client.watchTracking({ trackingId: id }), 99, 10_000);
  await new Promise((r) => setTimeout(r, 300));
  await client.deleteTracking({ trackingId: id });
  const got = await stream;
  assert.is(got.length, 1, "the record, then the stream ended when the shipment was deleted");
  const missing = await collect(client.watchTracking({ trackingId: "6f1c1a8e-1b7e-4c56-9d55-5b8a7e5b2c11" }), 1).catch(
    (e: unknown) => ConnectError.from(e),
  );
  assert.is((missing as ConnectError).code, Code.NotFound);
});

test.run();
