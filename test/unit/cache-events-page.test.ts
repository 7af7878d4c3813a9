// Which first pages of ListTrackingEvents the cached head of a timeline answers, and with which cursor.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type EventsHead, firstPageFromHead } from "../../src/domain/cache/events-page.js";

const head = (n: number, more: boolean): EventsHead<string> => ({
  events: Array.from({ length: n }, (_, i) => `e${i}`),
  cursors: Array.from({ length: n }, (_, i) => ({ t: `t${i}`, id: String(i) })),
  more,
});

const cases: [string, EventsHead<string>, "asc" | "desc", number, string[] | undefined, string | undefined][] = [
  ["asc, page shorter than a complete head", head(5, false), "asc", 2, ["e0", "e1"], "1"],
  ["asc, page longer than a complete head", head(3, false), "asc", 100, ["e0", "e1", "e2"], undefined],
  ["asc, page exactly a complete head", head(3, false), "asc", 3, ["e0", "e1", "e2"], undefined],
  ["asc, page shorter than a partial head", head(5, true), "asc", 4, ["e0", "e1", "e2", "e3"], "3"],
  ["asc, page exactly a partial head", head(5, true), "asc", 5, ["e0", "e1", "e2", "e3", "e4"], "4"],
  ["asc, page longer than a partial head → Postgres", head(5, true), "asc", 6, undefined, undefined],
  ["desc, complete head, short page", head(5, false), "desc", 2, ["e4", "e3"], "3"],
  ["desc, complete head, long page", head(2, false), "desc", 10, ["e1", "e0"], undefined],
  ["desc, partial head → Postgres", head(5, true), "desc", 2, undefined, undefined],
  ["empty timeline", head(0, false), "asc", 100, [], undefined],
  ["empty timeline, newest first", head(0, false), "desc", 100, [], undefined],
  ["page size 0 is the caller's default, not ours → Postgres", head(3, false), "asc", 0, undefined, undefined],
  [
    "cursors out of step with events → Postgres",
    { events: ["a"], cursors: [], more: false },
    "asc",
    1,
    undefined,
    undefined,
  ],
];

for (const [name, h, order, size, events, nextId] of cases) {
  test(name, () => {
    const page = firstPageFromHead(h, order, size);
    if (events === undefined) {
      assert.is(page, undefined);
      return;
    }
    assert.equal(page?.events, events);
    assert.is(page?.next?.id, nextId);
  });
}

test.run();
