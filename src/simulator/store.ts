// Registration state, keyed by (number, carrier) as in 17TRACK (§9): one number may be registered
// under several carriers, which is what `-18019801`/`carrier_old` exist for (§2.2).
import type { JourneyPlan } from "./journeys.js";

export type PushStatus = "NotPushed" | "Success" | "Failure";

export interface Registration {
  /** As the client first sent it; lookups are case-insensitive. */
  number: string;
  carrier: number;
  finalCarrier: number;
  param: string | null;
  tag: string | null;
  orderNo: string | null;
  orderTime: number | null;
  lang: string | null;
  email: string | null;
  remark: string | null;
  registerTime: number;
  trackingStatus: "Tracking" | "Stopped";
  /** Start of the current tracking period (register, retrack or carrier change): auto-stop counts from here. */
  trackingSince: number;
  /** When tracking will stop on its own given the (fully known) plan; recomputed when plan or period changes. */
  autoStopTime: number;
  stopTime: number | null;
  stopReason: string | null;
  isRetracked: boolean;
  carrierChangeCount: number;
  plan: JourneyPlan;
  pushTime: number | null;
  pushStatus: PushStatus;
  pushStatusCode: number | null;
  /** visibleRevision() at the last TRACKING_UPDATED push. */
  pushedRevision: number;
}

export interface RegistrationStore {
  find(number: string): Registration[];
  get(number: string, carrier: number): Registration | undefined;
  add(reg: Registration): void;
  remove(reg: Registration): void;
  /** Re-keys a registration after `changecarrier`. */
  rekey(reg: Registration, carrier: number): void;
  all(): Registration[];
  readonly size: number;
  clear(): void;
}

const keyOf = (number: string, carrier: number) => `${number.toUpperCase()}|${carrier}`;

export function createRegistrationStore(): RegistrationStore {
  const byKey = new Map<string, Registration>();
  const byNumber = new Map<string, Registration[]>();
  const list = (number: string) => byNumber.get(number.toUpperCase()) ?? [];
  return {
    find: (number) => [...list(number)],
    get: (number, carrier) => byKey.get(keyOf(number, carrier)),
    add(reg) {
      byKey.set(keyOf(reg.number, reg.carrier), reg);
      byNumber.set(reg.number.toUpperCase(), [...list(reg.number), reg]);
    },
    remove(reg) {
      byKey.delete(keyOf(reg.number, reg.carrier));
      const rest = list(reg.number).filter((r) => r !== reg);
      if (rest.length > 0) byNumber.set(reg.number.toUpperCase(), rest);
      else byNumber.delete(reg.number.toUpperCase());
    },
    rekey(reg, carrier) {
      byKey.delete(keyOf(reg.number, reg.carrier));
      reg.carrier = carrier;
      byKey.set(keyOf(reg.number, carrier), reg);
    },
    all: () => [...byKey.values()],
    get size() {
      return byKey.size;
    },
    clear() {
      byKey.clear();
      byNumber.clear();
    },
  };
}
