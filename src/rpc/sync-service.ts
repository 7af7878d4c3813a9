// SyncService (PRD §4.3.2, §5.2): proto in, one sync-engine call, proto out. Enum ↔ database names are mapped here.

import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { ScheduleRuleSchema, SyncJobSchema } from "../../gen/waybill/v1/sync_service_pb.js";
import {
  RetryStrategy,
  type ScheduleRule as ScheduleRuleMessage,
  type SyncJobStatus,
  type SyncJobType,
  type SyncService,
} from "../../gen/waybill/v1/sync_service_pb.js";
import { TrackingStatus } from "../../gen/waybill/v1/types_pb.js";
import { STATUSES, type Status } from "../domain/tracking/status.js";
import { invalidArgument } from "../errors.js";
import type { SyncEngine } from "../sync/engine.js";
import type { SyncJobView } from "../sync/job-queries.js";
import type { StoredRule } from "../sync/rule-store.js";
import { ts } from "./mappers/time.js";
import { keysetPage } from "./page-token.js";

const JOB_TYPES = ["SCHEDULED", "MANUAL", "RETRY", "BATCH"] as const;
const JOB_STATUSES = ["PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "DEAD"] as const;
const STRATEGIES = ["EXPONENTIAL", "FIXED", "LINEAR"] as const;

// The proto enums number their values in the order of these lists, starting at 1 (0 = unspecified).
const typeToProto = (t: string) => (JOB_TYPES.indexOf(t as never) + 1) as SyncJobType;
const statusToProto = (s: string) => (JOB_STATUSES.indexOf(s as never) + 1) as SyncJobStatus;
const typeFromProto = (t: SyncJobType) => JOB_TYPES[t - 1] as string;
const statusFromProto = (s: SyncJobStatus) => JOB_STATUSES[s - 1] as string;
const trackingStatusToProto = (s: Status | null) => (s ? STATUSES.indexOf(s) + 1 : 0) as TrackingStatus;

export function toSyncJobMessage(j: SyncJobView): MessageInitShape<typeof SyncJobSchema> {
  return {
    jobId: BigInt(j.jobId),
    jobBatchId: j.jobBatchId ?? "",
    trackingId: j.trackingId,
    jobType: typeToProto(j.jobType),
    jobPriority: j.jobPriority ?? 5,
    jobStatus: statusToProto(j.jobStatus),
    scheduledAt: ts(j.scheduledAt),
    startedAt: ts(j.startedAt),
    completedAt: ts(j.completedAt),
    attemptNumber: j.attemptNumber ?? 1,
    maxAttempts: j.maxAttempts ?? 0,
    retryDelayMinutes: j.retryDelayMinutes ?? 0,
    eventsFetched: j.eventsFetched ?? 0,
    eventsNew: j.eventsNew ?? 0,
    statusChanged: j.statusChanged ?? false,
    errorCode: j.errorCode ?? "",
    errorMessage: j.errorMessage ?? "",
    apiResponseTimeMs: j.apiResponseTimeMs ?? 0,
    processingTimeMs: j.processingTimeMs ?? 0,
    createdAt: ts(j.createdAt),
    updatedAt: ts(j.updatedAt),
  };
}

export function toScheduleRuleMessage(r: StoredRule): MessageInitShape<typeof ScheduleRuleSchema> {
  return {
    configId: r.configId ?? 0,
    ruleName: r.ruleName,
    ruleDescription: r.ruleDescription,
    isActive: r.isActive,
    carrierCode: r.carrierCode ?? "",
    statusPattern: trackingStatusToProto(r.statusPattern),
    destinationCountry: r.destinationCountry ?? "",
    syncIntervalMinutes: r.syncIntervalMinutes,
    maxAgeDays: r.maxAgeDays ?? undefined,
    stopOnDelivered: r.stopOnDelivered,
    stopOnException: r.stopOnException,
    retryStrategy: (STRATEGIES.indexOf(r.retryStrategy) + 1) as RetryStrategy,
    initialRetryDelayMinutes: r.initialRetryDelayMinutes,
    maxRetryAttempts: r.maxRetryAttempts,
    priorityLevel: r.priorityLevel,
    activeTimeWindows: r.activeTimeWindows.map((w) => ({ ...w })),
    createdAt: ts(r.createdAt),
    updatedAt: ts(r.updatedAt),
  };
}

function ruleInput(rule: ScheduleRuleMessage | undefined) {
  if (!rule) throw invalidArgument("rule is required");
  if (rule.ruleName === "default") {
    throw invalidArgument('"default" names the built-in rule; give a configured catch-all rule another name');
  }
  return {
    ruleName: rule.ruleName,
    ruleDescription: rule.ruleDescription,
    isActive: rule.isActive,
    carrierCode: rule.carrierCode || null,
    statusPattern:
      rule.statusPattern === TrackingStatus.UNSPECIFIED ? null : (STATUSES[rule.statusPattern - 1] ?? null),
    destinationCountry: rule.destinationCountry || null,
    syncIntervalMinutes: rule.syncIntervalMinutes,
    maxAgeDays: rule.maxAgeDays ?? null,
    stopOnDelivered: rule.stopOnDelivered,
    stopOnException: rule.stopOnException,
    retryStrategy:
      rule.retryStrategy === RetryStrategy.UNSPECIFIED
        ? "EXPONENTIAL"
        : (STRATEGIES[rule.retryStrategy - 1] ?? "EXPONENTIAL"),
    initialRetryDelayMinutes: rule.initialRetryDelayMinutes,
    maxRetryAttempts: rule.maxRetryAttempts,
    priorityLevel: rule.priorityLevel,
    activeTimeWindows: rule.activeTimeWindows.map((w) => ({
      daysOfWeek: w.daysOfWeek,
      start: w.start,
      end: w.end,
      timezone: w.timezone,
    })),
  } as const;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function createSyncService(deps: { engine: SyncEngine }): ServiceImpl<typeof SyncService> {
  const { engine } = deps;
  return {
    async scheduleSync(req) {
      const at = req.scheduledAt ? timestampDate(req.scheduledAt) : undefined;
      return { job: toSyncJobMessage(await engine.scheduleSync(req.trackingId, at, req.priority)) };
    },
    async executeSyncJob(req) {
      return { job: toSyncJobMessage(await engine.executeJob(String(req.jobId))) };
    },
    async listSyncJobs(req) {
      const page = await keysetPage(req, {
        defaultSize: 50,
        field: "jobId",
        fetch: (beforeJobId, limit) =>
          engine.listJobs({
            statuses: req.statuses.map(statusFromProto),
            types: req.types.map(typeFromProto),
            trackingId: req.trackingId || undefined,
            batchId: req.jobBatchId || undefined,
            beforeJobId,
            limit,
          }),
        keyOf: (job) => job.jobId,
      });
      return { jobs: page.rows.map(toSyncJobMessage), nextPageToken: page.nextPageToken };
    },
    async getSyncStatistics(req) {
      const since = req.since ? timestampDate(req.since) : new Date(Date.now() - DAY_MS);
      const s = await engine.statistics(since);
      const count = (rows: { label: string; count: number }[]) =>
        rows.map((r) => ({ label: r.label, count: BigInt(r.count) }));
      return {
        byStatus: count(s.byStatus),
        byType: count(s.byType),
        successRate: s.successRate,
        apiResponseTimeP50Ms: s.apiP50,
        apiResponseTimeP95Ms: s.apiP95,
        apiResponseTimeP99Ms: s.apiP99,
        queueDepth: BigInt(s.queueDepth),
        oldestDueAgeSeconds: s.oldestDueAgeSeconds,
        deadLetterSize: BigInt(s.deadLetterSize),
        limiter: {
          running: s.limiter.running,
          queued: s.limiter.queued,
          reservoir: s.limiter.reservoir ?? -1,
          limitPerMinute: s.limiter.perMinute,
          limitPerSecond: s.limiter.perSecond,
        },
      };
    },
    async retrySyncJob(req) {
      return { job: toSyncJobMessage(await engine.retryJob(String(req.jobId))) };
    },
    async listScheduleRules(req) {
      return { rules: (await engine.listRules(req.includeInactive)).map(toScheduleRuleMessage) };
    },
    async upsertScheduleRule(req) {
      const r = await engine.upsertRule(ruleInput(req.rule));
      return { rule: toScheduleRuleMessage(r.rule), created: r.created, recordsRescheduled: r.rescheduled };
    },
    async deleteScheduleRule(req) {
      return { ruleName: (await engine.deleteRule(req.ruleName)).ruleName };
    },
  };
}
