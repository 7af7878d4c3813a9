// The loop behind the registrar and the push inbox: work is driven from rows in Postgres, so a worker only needs to
// be woken. kick() runs it now (or once more right after the current run), a timer covers rows written by other
// replicas, and stop() waits for the run in hand.
export interface QueueWorker {
  kick(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

export interface QueueWorkerOptions {
  /** One run: drain what is due; its errors are the caller's to log (a throw only ends this run). */
  run(shouldStop: () => boolean): Promise<void>;
  pollMs: number;
}

export function createQueueWorker(options: QueueWorkerOptions): QueueWorker {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;
  const shouldStop = () => stopped;

  async function loop() {
    do {
      again = false;
      await options.run(shouldStop).catch(() => undefined);
    } while (again && !stopped);
  }

  function kick(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = loop().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    kick,
    start() {
      stopped = false;
      timer = setInterval(() => void kick(), options.pollMs);
      timer.unref();
      void kick();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
