// Which first pages of ListTrackingEvents the cached head of a timeline can answer (issue #6: the first page reads
// through the cache). Pure. The cache holds the first events in ascending order with their page cursors; a request
// without filter, page token or raw data is answered from it when the head covers the page, otherwise it goes to
// Postgres as before.

/** Position after an event: Postgres's text of its timestamp and its id (the store's EventCursor). */
export interface EventsCursor {
  readonly t: string;
  readonly id: string;
}

export interface EventsHead<E> {
  /** Ascending by (event time, event id). */
  readonly events: readonly E[];
  /** cursors[i] is the position after events[i]. */
  readonly cursors: readonly EventsCursor[];
  /** More events follow the ones held. */
  readonly more: boolean;
}

export interface FirstPage<E> {
  readonly events: E[];
  /** Set when more events follow the page. */
  readonly next?: EventsCursor;
}

/** The first page of `pageSize` events in `order`, or undefined when the head cannot answer it. */
export function firstPageFromHead<E>(
  head: EventsHead<E>,
  order: "asc" | "desc",
  pageSize: number,
): FirstPage<E> | undefined {
  if (!Number.isInteger(pageSize) || pageSize < 1 || head.cursors.length !== head.events.length) return undefined;
  const n = head.events.length;
  if (order === "asc") {
    if (pageSize < n) return { events: head.events.slice(0, pageSize), next: head.cursors[pageSize - 1] };
    if (!head.more) return { events: [...head.events] };
    // The page reaches past the head, or ends exactly at it with more to come: only Postgres knows the rest.
    if (pageSize === n) return { events: [...head.events], next: head.cursors[n - 1] };
    return undefined;
  }
  // Newest first needs the end of the timeline, which only a complete head holds.
  if (head.more) return undefined;
  const desc = [...head.events].reverse();
  if (pageSize >= n) return { events: desc };
  return { events: desc.slice(0, pageSize), next: [...head.cursors].reverse()[pageSize - 1] };
}
