import { CommandRejected, nameReservationDecider, type DomainEvent } from '@hoody/decider';
import type { EventMetadata, EventStore } from '@hoody/event-store';
import { createCommandHandler, decideTogether, readState, type CommandResult, type CommandStep } from './command-handler';

export interface NameReservationsOptions {
  /** The stream of the aggregate a holder id names (`container-<id>`): it must exist once the holder was created. */
  holderStream(holderId: string): string;
  /**
   * Whether the holder bears the name now; by default, whether its stream exists. An aggregate that
   * can take a name after it came into being (a prespawned container claimed into a project) or give
   * it up (a rename) says it more precisely.
   */
  holds?(holderId: string, nameStream: string): Promise<boolean>;
  now(): Date;
  /** How long a reservation may wait for its holder's first event before it counts as abandoned (default 60 s). */
  graceMs?: number;
}

/**
 * Unique names through nameReservationDecider, with one repair: a name is reserved before its
 * holder is recorded, so a process that dies between the two leaves a reservation whose holder never
 * came into being. Whoever asks for that name later, once the grace period is over, releases it on
 * the missing holder's behalf and takes it; a holder that exists (or `holds` it) keeps its name.
 */
export class NameReservations {
  private readonly names;
  private readonly graceMs: number;

  constructor(
    private readonly store: EventStore,
    private readonly options: NameReservationsOptions,
  ) {
    this.names = createCommandHandler(store, nameReservationDecider);
    this.graceMs = options.graceMs ?? 60_000;
  }

  /** Reserves `stream` for `ownerId`; CommandRejected NAME_TAKEN when someone else holds it. */
  async reserve(stream: string, ownerId: string, metadata?: EventMetadata): Promise<void> {
    try {
      await this.names(stream, { type: 'ReserveName', ownerId, at: this.at() }, { metadata });
    } catch (error) {
      if (!(error instanceof CommandRejected && error.code === 'NAME_TAKEN')) throw error;
      if (!(await this.releaseAbandoned(stream, metadata))) throw error;
      await this.names(stream, { type: 'ReserveName', ownerId, at: this.at() }, { metadata });
    }
  }

  /**
   * Reserves `stream` for `ownerId` and runs `step` (the holder's own command) in the same write: the
   * holder never exists without its name, nor the name without its holder. The step's result; a
   * refused reservation (NAME_TAKEN) or step writes nothing.
   */
  async reserveWith<C, E extends DomainEvent, S>(stream: string, ownerId: string, step: CommandStep<C, E, S>, metadata?: EventMetadata): Promise<CommandResult<E, S>> {
    const together = async () => {
      const reserve = { streamId: stream, decider: nameReservationDecider, command: { type: 'ReserveName', ownerId, at: this.at() } as const };
      const [, result] = await decideTogether(this.store, [reserve, step] as const, { metadata });
      return result as CommandResult<E, S>;
    };
    try {
      return await together();
    } catch (error) {
      if (!(error instanceof CommandRejected && error.code === 'NAME_TAKEN')) {
        // Without multi-stream atomicity the reservation may have landed without the holder's command.
        if (!this.store.atomicMultiStreamAppend && !(await this.holds(ownerId, stream))) await this.release(stream, ownerId, metadata);
        throw error;
      }
      if (!(await this.releaseAbandoned(stream, metadata))) throw error;
      return together();
    }
  }

  /** Releases `stream` if `ownerId` holds it (otherwise nothing happens). */
  async release(stream: string, ownerId: string, metadata?: EventMetadata): Promise<void> {
    await this.names(stream, { type: 'ReleaseName', ownerId, at: this.at() }, { metadata });
  }

  private async releaseAbandoned(stream: string, metadata: EventMetadata | undefined): Promise<boolean> {
    const { holder, since } = (await readState(this.store, stream, nameReservationDecider)).state;
    if (holder === null || since === null) return true; // released meanwhile: try again
    if (this.options.now().getTime() - Date.parse(since) < this.graceMs) return false;
    if (await this.holds(holder, stream)) return false;
    await this.release(stream, holder, metadata);
    return true;
  }

  private holds(holderId: string, stream: string): Promise<boolean> {
    return this.options.holds ? this.options.holds(holderId, stream) : this.holderExists(holderId);
  }

  private async holderExists(holderId: string): Promise<boolean> {
    for await (const _ of this.store.readStream(this.options.holderStream(holderId), { maxCount: 1 })) return true;
    return false;
  }

  private at(): string {
    return this.options.now().toISOString();
  }
}
