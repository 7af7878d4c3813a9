// Time-boxing Redis calls. ioredis has no per-command timeout that also covers its offline queue, and a cache that
// makes a read wait seconds for a sick Redis is worse than no cache: past the deadline the caller goes to Postgres.

export class CacheTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`redis did not answer within ${ms} ms`);
    this.name = "CacheTimeoutError";
  }
}

/**
 * Settles with the promise, or rejects with CacheTimeoutError after `ms`. The abandoned command keeps running inside
 * ioredis; its eventual result or error is consumed here so it never becomes an unhandled rejection.
 */
export function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new CacheTimeoutError(ms)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
