// In-memory AuditSink for tests and local runs.

import type { AuditSink, ExternalCallAudit } from "./audit.js";

export interface MemoryAuditSink extends AuditSink {
  readonly entries: ExternalCallAudit[];
  clear(): void;
}

export function createMemoryAuditSink(): MemoryAuditSink {
  const entries: ExternalCallAudit[] = [];
  return {
    entries,
    record(entry) {
      entries.push(entry);
    },
    clear() {
      entries.length = 0;
    },
  };
}
