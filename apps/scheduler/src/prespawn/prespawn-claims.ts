import type { common } from '@hoody/contracts';
import { CommandRejected } from '@hoody/decider';
import type { EventMetadata } from '@hoody/event-store';
import type { ContainerSettings } from '@hoody/scheduler-domain';
import { performance } from 'node:perf_hooks';
import type { SchedulerCommands } from '../commands/scheduler-commands';
import type { PrespawnQueries, RequestedSpec, WarmToYield } from '../read-model/prespawn-queries';
import type { ServerRow } from '../read-model/scheduler-queries';
import type { PrespawnStats } from './prespawn-stats';
import { templateServes } from './template-placement';

/** Candidates looked at per claim: enough to get past the few that concurrent claims took first. */
const CANDIDATES = 8;

export interface ClaimRequest {
  projectId: string;
  server: ServerRow;
  settings: ContainerSettings;
  spec: RequestedSpec;
  triggeredBy: string;
  /**
   * Asked before a warm container of someone else's template is taken (it becomes a new placement
   * of the caller's; one of the caller's own templates is theirs already): the caller's warm
   * containers that must give their places up within the caller's pool limits if it is, or
   * undefined to pass it by.
   */
  roomForNew(): string[] | undefined;
}

/** A claimed warm container, and those that must now give their places up to it (ClaimRequest.roomForNew). */
export interface Claimed {
  id: string;
  giving: string[];
}

/**
 * Serves a create from a ready warm container: no engine call on the way, only the name
 * reservation and the claim, both appends (the claim at the container's expected revision, so two
 * claims never get the same one). Warm containers another claim of this process is taking are
 * skipped rather than raced for.
 */
export class PrespawnClaims {
  private readonly taking = new Set<string>();

  constructor(
    private readonly commands: SchedulerCommands,
    private readonly queries: PrespawnQueries,
    private readonly stats: PrespawnStats,
    private readonly onClaimed: (templateId: string, serverId: string) => void,
  ) {}

  /** A warm container on the server that should give its place up to a create, but those in `except` (see PrespawnQueries.warmToYield). */
  placeToYield(serverId: string, except: readonly string[] = []): string | undefined {
    return this.queries.warmToYield(serverId, except);
  }

  /** The member's warm containers in the order they give their places up to the member's creates (see PrespawnQueries.memberWarmInYieldOrder). */
  memberPlacesToYield(poolId: string, userId: string): WarmToYield[] {
    return this.queries.memberWarmInYieldOrder(poolId, userId);
  }

  /** The claimed container, or undefined when none is ready (the create goes cold). */
  async claim(caller: common.Principal, request: ClaimRequest, metadata: EventMetadata): Promise<Claimed | undefined> {
    const started = performance.now();
    for (const candidate of this.queries.claimable(request.server.id, request.spec, caller.userId, CANDIDATES)) {
      if (this.taking.has(candidate.id)) continue;
      const template = this.queries.template(candidate.templateId);
      if (!template) continue;
      const giving = template.ownerId === caller.userId ? [] : request.roomForNew();
      if (!giving) continue;
      this.taking.add(candidate.id);
      try {
        // The template's environment under the caller's own: exec sees both, as the main process saw the template's.
        const settings = { ...request.settings, environmentVars: { ...template.settings.environmentVars, ...request.settings.environmentVars } };
        await this.commands.claimContainer(candidate.id, { projectId: request.projectId, settings, triggeredBy: request.triggeredBy }, metadata);
        this.stats.hit(candidate.templateId, request.server.id, performance.now() - started);
        this.onClaimed(candidate.templateId, request.server.id);
        return { id: candidate.id, giving };
      } catch (error) {
        if (!(error instanceof CommandRejected && error.code === 'PRESPAWN_UNAVAILABLE')) throw error;
      } finally {
        this.taking.delete(candidate.id);
      }
    }
    const missed = this.queries.liveTemplates().find((t) => templateServes(t, request.server, request.spec, caller.userId));
    if (missed) this.stats.miss(missed.id);
    return undefined;
  }
}
