// Schedule rules in sync_schedule_config (PRD §2.1.8): read in matching order with a short cache (so a rule changed
// on another replica applies within seconds, no restart), written by the rule RPCs.
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { isRetryStrategy } from "../domain/sync/retry-delay.js";
import { DEFAULT_RULE, type ScheduleRule, sortRules } from "../domain/sync/schedule-rule.js";
import { parseTimeWindows } from "../domain/sync/time-windows.js";
import { STATUSES, type Status } from "../domain/tracking/status.js";
import { invalidArgument, notFound } from "../errors.js";

interface RuleRow {
  config_id: number;
  rule_name: string;
  rule_description: string | null;
  is_active: boolean | null;
  carrier_id: number | null;
  carrier_code: string | null;
  status_pattern: string | null;
  destination_country: string | null;
  sync_interval_minutes: number;
  max_age_days: number | null;
  stop_on_delivered: boolean | null;
  stop_on_exception: boolean | null;
  retry_strategy: string | null;
  initial_retry_delay_minutes: number | null;
  max_retry_attempts: number | null;
  priority_level: number | null;
  active_time_windows: unknown;
  created_at: Date;
  updated_at: Date;
}

export interface StoredRule extends ScheduleRule {
  createdAt: Date | null;
  updatedAt: Date | null;
}

/** A row → the domain rule; PRD column defaults fill what the row leaves NULL. Bad stored windows mean "always". */
function toRule(r: RuleRow): StoredRule {
  const windows = parseTimeWindows(r.active_time_windows);
  return {
    configId: r.config_id,
    ruleName: r.rule_name,
    ruleDescription: r.rule_description ?? "",
    isActive: r.is_active ?? true,
    carrierId: r.carrier_id,
    carrierCode: r.carrier_code,
    statusPattern: (STATUSES as readonly string[]).includes(r.status_pattern ?? "")
      ? (r.status_pattern as Status)
      : null,
    destinationCountry: r.destination_country || null,
    syncIntervalMinutes: r.sync_interval_minutes,
    maxAgeDays: r.max_age_days,
    stopOnDelivered: r.stop_on_delivered ?? true,
    stopOnException: r.stop_on_exception ?? false,
    retryStrategy: isRetryStrategy(r.retry_strategy) ? r.retry_strategy : "EXPONENTIAL",
    initialRetryDelayMinutes: r.initial_retry_delay_minutes ?? 30,
    maxRetryAttempts: r.max_retry_attempts ?? 5,
    priorityLevel: r.priority_level ?? 5,
    activeTimeWindows: "value" in windows ? windows.value : [],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const SELECT_RULES = `
  SELECT r.*, c.carrier_code FROM sync_schedule_config r LEFT JOIN carriers c ON c.carrier_id = r.carrier_id`;

export interface RuleInput {
  ruleName: string;
  ruleDescription: string;
  isActive: boolean;
  carrierCode: string | null;
  statusPattern: Status | null;
  destinationCountry: string | null;
  syncIntervalMinutes: number;
  maxAgeDays: number | null;
  stopOnDelivered: boolean;
  stopOnException: boolean;
  retryStrategy: ScheduleRule["retryStrategy"];
  initialRetryDelayMinutes: number;
  maxRetryAttempts: number;
  priorityLevel: number;
  activeTimeWindows: unknown;
}

export interface RuleStore {
  /** Active rules in matching order (cached for `cacheMs`). */
  active(): Promise<ScheduleRule[]>;
  /** Every stored rule in matching order, plus the built-in default last. */
  list(includeInactive: boolean): Promise<StoredRule[]>;
  upsert(
    input: RuleInput,
    t: Transaction,
  ): Promise<{ rule: StoredRule; created: boolean; previous: StoredRule | null }>;
  remove(ruleName: string, t: Transaction): Promise<StoredRule>;
  invalidate(): void;
}

export function createRuleStore(deps: { sequelize: Sequelize; cacheMs?: number; now?: () => number }): RuleStore {
  const { sequelize } = deps;
  const cacheMs = deps.cacheMs ?? 2000;
  const now = deps.now ?? Date.now;
  let cached: { at: number; rules: Promise<ScheduleRule[]> } | null = null;

  const load = async (where = "", bind: unknown[] = [], t?: Transaction) =>
    (await sequelize.query<RuleRow>(`${SELECT_RULES} ${where}`, { type: QueryTypes.SELECT, bind, transaction: t })).map(
      toRule,
    );

  const byName = async (name: string, t: Transaction) =>
    (await load("WHERE r.rule_name = $1 FOR UPDATE OF r", [name], t))[0] ?? null;

  return {
    active() {
      if (!cached || now() - cached.at > cacheMs) {
        const rules = load("WHERE r.is_active IS NOT FALSE").then(sortRules);
        rules.catch(() => {
          cached = null;
        });
        cached = { at: now(), rules };
      }
      return cached.rules;
    },
    async list(includeInactive) {
      const rules = sortRules(await load(includeInactive ? "" : "WHERE r.is_active IS NOT FALSE")) as StoredRule[];
      return [...rules, { ...DEFAULT_RULE, createdAt: null, updatedAt: null }];
    },
    async upsert(input, t) {
      const windows = parseTimeWindows(input.activeTimeWindows);
      if ("error" in windows) throw invalidArgument(windows.error);
      let carrierId: number | null = null;
      if (input.carrierCode) {
        const [carrier] = await sequelize.query<{ carrier_id: number }>(
          "SELECT carrier_id FROM carriers WHERE carrier_code = $1",
          { type: QueryTypes.SELECT, bind: [input.carrierCode], transaction: t },
        );
        if (!carrier) throw notFound(`carrier "${input.carrierCode}"`);
        carrierId = carrier.carrier_id;
      }
      const previous = await byName(input.ruleName, t);
      const values = [
        input.ruleName,
        input.ruleDescription || null,
        input.isActive,
        carrierId,
        input.statusPattern,
        input.destinationCountry || null,
        input.syncIntervalMinutes,
        input.maxAgeDays,
        input.stopOnDelivered,
        input.stopOnException,
        input.retryStrategy,
        input.initialRetryDelayMinutes,
        input.maxRetryAttempts,
        input.priorityLevel,
        JSON.stringify(windows.value),
      ];
      await sequelize.query(
        `INSERT INTO sync_schedule_config (rule_name, rule_description, is_active, carrier_id, status_pattern,
           destination_country, sync_interval_minutes, max_age_days, stop_on_delivered, stop_on_exception,
           retry_strategy, initial_retry_delay_minutes, max_retry_attempts, priority_level, active_time_windows,
           created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, now(), now())
         ON CONFLICT (rule_name) DO UPDATE SET rule_description = $2, is_active = $3, carrier_id = $4,
           status_pattern = $5, destination_country = $6, sync_interval_minutes = $7, max_age_days = $8,
           stop_on_delivered = $9, stop_on_exception = $10, retry_strategy = $11, initial_retry_delay_minutes = $12,
           max_retry_attempts = $13, priority_level = $14, active_time_windows = $15::jsonb, updated_at = now()`,
        { bind: values, transaction: t },
      );
      const rule = await byName(input.ruleName, t);
      if (!rule) throw new Error(`rule ${input.ruleName} vanished after upsert`);
      return { rule, created: previous === null, previous };
    },
    async remove(ruleName, t) {
      const rule = await byName(ruleName, t);
      if (!rule) throw notFound(`schedule rule "${ruleName}"`);
      await sequelize.query("DELETE FROM sync_schedule_config WHERE config_id = $1", {
        bind: [rule.configId],
        transaction: t,
      });
      return rule;
    },
    invalidate() {
      cached = null;
    },
  };
}
