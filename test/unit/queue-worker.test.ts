import { test } from "uvu";
import * as assert from "uvu/assert";
import { createQueueWorker } from "../../src/tracking/queue-worker.js";

const tick = () => new Promise((r) => setTimeout(r, 5));

test("kicks during a run coalesce into exactly one more run; none before start or after stop", async () => {
  let runs = 0;
  let release: (() => void) | undefined;
  const worker = createQueueWorker({
    pollMs: 60_000,
    run: async () => {
      runs++;
      await new Promise<void>((r) => {
        release = r;
      });
    },
  });
  await worker.kick();
  assert.is(runs, 0, "not started: kick does nothing");
  worker.start();
  await tick();
  assert.is(runs, 1);
  void worker.kick();
  void worker.kick();
  void worker.kick();
  release?.();
  await tick();
  assert.is(runs, 2, "three kicks during the run: one more run");
  release?.();
  await tick();
  assert.is(runs, 2);
  const stopping = worker.stop();
  await stopping;
  await worker.kick();
  assert.is(runs, 2, "stopped: kick does nothing");
});

test("a failing run does not break the loop", async () => {
  let runs = 0;
  const worker = createQueueWorker({
    pollMs: 60_000,
    run: async () => {
      runs++;
      throw new Error("boom");
    },
  });
  worker.start();
  await tick();
  await worker.kick();
  assert.is(runs, 2);
  await worker.stop();
});

test.run();
