// TrackingService: the registration handlers and the read handlers composed into one service; RPCs of later issues
// answer Unimplemented with a note until they land.
import type { ServiceImpl } from "@connectrpc/connect";
import { TrackingService } from "../../gen/waybill/v1/tracking_service_pb.js";
import { type CommandDeps, createCommandHandlers } from "./tracking-commands.js";
import { createTrackingQueryHandlers, type TrackingQueryDeps } from "./tracking-queries.js";
import { createRegistrationHandlers, type RegistrationDeps } from "./tracking-registration.js";
import { createWatchHandlers, type WatchDeps } from "./tracking-watch.js";
import { withUnimplemented } from "./unimplemented.js";

export function createTrackingService(
  deps: RegistrationDeps & TrackingQueryDeps & CommandDeps & WatchDeps,
): ServiceImpl<typeof TrackingService> {
  return withUnimplemented(
    TrackingService,
    {
      ...createTrackingQueryHandlers(deps),
      ...createRegistrationHandlers(deps),
      ...createCommandHandlers(deps),
      ...createWatchHandlers(deps),
    },
    "every TrackingService RPC is implemented",
  );
}
