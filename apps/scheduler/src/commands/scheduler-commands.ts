import { CommandRejected } from '@hoody/decider';
import type { EventMetadata, EventStore } from '@hoody/event-store';
import { createCommandHandler, NameReservations, readState, type ProjectionRunner } from '@hoody/eventsourcing';
import {
  CONTAINER_NAME_PATTERN,
  containerDecider,
  joinTokenDecider,
  serverDecider,
  templateDecider,
  type ContainerCommand,
  type ContainerEvent,
  type ContainerSettings,
  type ContainerSpec,
  type ContainerState,
  type JoinTokenState,
  type ServerAgent,
  type ServerCommand,
  type TemplateCommand,
  type TemplateEvent,
} from '@hoody/scheduler-domain';
import { streams } from '../streams';

/** Checked before a name is reserved, so that a bad one writes nothing (the decider checks it too). */
function checkName(name: string): void {
  if (!CONTAINER_NAME_PATTERN.test(name)) throw new CommandRejected('VALIDATION_FAILED', 'name: 3-100 characters of letters, digits, _ and -');
}

/** What a NAME_TAKEN refusal of a container's name says. */
export const containerNameTaken = (name: string) => `a container named ${name} exists in this project`;

/** A NAME_TAKEN refusal, told in the caller's terms (which name, where). */
async function sayingWhichName<T>(work: Promise<T>, message: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof CommandRejected && error.code === 'NAME_TAKEN') throw new CommandRejected('NAME_TAKEN', message);
    throw error;
  }
}

/** Time and ids come from outside, so that tests can pin them. */
export interface SchedulerEnvironment {
  now(): Date;
  newId(): string;
}

/**
 * The scheduler's write side: each method runs deciders through the command handler, then waits
 * until the read model shows the outcome, so the caller can read its own writes at once. Nothing
 * here talks to agents: see ContainerLifecycle and ServerRegistry.
 */
export class SchedulerCommands {
  private readonly containers;
  private readonly servers;
  private readonly joinTokens;
  private readonly templates;
  private readonly containerNames: NameReservations;
  private readonly serverNames: NameReservations;

  constructor(
    private readonly store: EventStore,
    private readonly readModel: ProjectionRunner,
    private readonly env: SchedulerEnvironment,
  ) {
    this.containers = createCommandHandler(store, containerDecider);
    this.servers = createCommandHandler(store, serverDecider);
    this.joinTokens = createCommandHandler(store, joinTokenDecider);
    this.templates = createCommandHandler(store, templateDecider);
    this.containerNames = new NameReservations(store, {
      holderStream: streams.container,
      // A warm container takes its name when it is claimed; a renamed one gave its old name up.
      holds: async (holderId, nameStream) => {
        const state = await this.containerState(holderId);
        return state.status !== 'none' && state.status !== 'deleted' && streams.containerName(state.container.projectId, state.container.settings.name) === nameStream;
      },
      now: () => env.now(),
    });
    this.serverNames = new NameReservations(store, { holderStream: streams.server, now: () => env.now() });
  }

  now(): string {
    return this.env.now().toISOString();
  }

  newId(): string {
    return this.env.newId();
  }

  /**
   * Waits until the read model holds every event stored so far: for what another service just
   * wrote (a project the auth service created a moment ago) before saying it does not exist.
   */
  async catchUp(timeoutMs = 5_000): Promise<void> {
    for await (const last of this.store.readAll({ direction: 'backwards', maxCount: 1 })) await this.readModel.waitFor(last.position, timeoutMs);
  }

  // ---- containers --------------------------------------------------------------------------------

  /** Records the request (status `creating`) and reserves its name in the project, in one write. */
  async requestContainer(
    input: { containerId: string; projectId: string; serverId: string; settings: ContainerSettings; spec: ContainerSpec; triggeredBy: string },
    metadata: EventMetadata,
  ): Promise<void> {
    await this.containerWithName(input.projectId, input.settings.name, input.containerId, { type: 'RequestContainer', ...input, at: this.now() }, metadata);
  }

  /**
   * Gives a warm container to a project: the claim is appended at the revision the container was read
   * at, with the name's reservation, in one write. Of two concurrent claims one wins and the other is
   * refused (PRESPAWN_UNAVAILABLE), without the name.
   */
  async claimContainer(containerId: string, input: { projectId: string; settings: ContainerSettings; triggeredBy: string }, metadata: EventMetadata): Promise<void> {
    await this.containerWithName(input.projectId, input.settings.name, containerId, { type: 'ClaimContainer', ...input, at: this.now() }, metadata);
  }

  /** A container command that gives the container its name in the project (NAME_TAKEN when another holds it). */
  private async containerWithName(projectId: string, containerName: string, containerId: string, command: ContainerCommand, metadata: EventMetadata): Promise<void> {
    checkName(containerName);
    const name = streams.containerName(projectId, containerName);
    const step = { streamId: streams.container(containerId), decider: containerDecider, command };
    const result = await sayingWhichName(this.containerNames.reserveWith(name, containerId, step, metadata), containerNameTaken(containerName));
    await this.settle(result.position);
  }

  /** Runs one command on a container's stream and waits for the read model. */
  async container(containerId: string, command: ContainerCommand, metadata: EventMetadata): Promise<ContainerEvent[]> {
    const result = await this.containers(streams.container(containerId), command, { metadata });
    await this.settle(result.position);
    return result.events;
  }

  /** The container's state folded from its stream: what a command will be decided against. */
  async containerState(containerId: string): Promise<ContainerState> {
    return (await readState(this.store, streams.container(containerId), containerDecider)).state;
  }

  /** A rename reserves the new name first and releases the old one after. */
  async updateContainer(container: { id: string; projectId: string; name: string }, changes: Partial<ContainerSettings>, metadata: EventMetadata): Promise<void> {
    if (changes.name !== undefined) checkName(changes.name);
    const renamed = changes.name !== undefined && changes.name.toLowerCase() !== container.name.toLowerCase();
    const newName = renamed ? streams.containerName(container.projectId, changes.name as string) : undefined;
    if (newName) await this.reserve(this.containerNames, newName, container.id, `a container named ${changes.name} exists in this project`, metadata);
    try {
      await this.container(container.id, { type: 'UpdateContainer', changes, at: this.now(), asSeenIn: container.projectId }, metadata);
      if (newName) await this.releaseContainerName(container, metadata);
    } catch (error) {
      if (newName) await this.containerNames.release(newName, container.id, metadata);
      throw error;
    }
  }

  async releaseContainerName(container: { id: string; projectId: string; name: string }, metadata: EventMetadata): Promise<void> {
    await this.containerNames.release(streams.containerName(container.projectId, container.name), container.id, metadata);
  }

  // ---- prespawn templates --------------------------------------------------------------------------

  /** Runs one command on a template's stream and waits for the read model. */
  async template(templateId: string, command: TemplateCommand, metadata: EventMetadata): Promise<TemplateEvent[]> {
    const result = await this.templates(streams.template(templateId), command, { metadata });
    await this.settle(result.position);
    return result.events;
  }

  // ---- servers and join tokens -------------------------------------------------------------------

  async issueJoinToken(
    input: { tokenId: string; secretHash: string; name: string | null; poolId: string | null; issuedBy: string; expiresAt: string },
    metadata: EventMetadata,
  ): Promise<void> {
    await this.joinTokens(streams.joinToken(input.tokenId), { type: 'IssueJoinToken', ...input, at: this.now() }, { metadata });
  }

  async joinToken(tokenId: string): Promise<JoinTokenState> {
    return (await readState(this.store, streams.joinToken(tokenId), joinTokenDecider)).state;
  }

  /**
   * Registers a server: its name is reserved first (NAME_TAKEN), then the join token is spent (if
   * one is given), then the server is recorded. A failure after the reservation releases the name.
   */
  async registerServer(
    input: {
      serverId: string;
      name: string;
      ownerId: string;
      poolId: string | null;
      agent: ServerAgent;
      joinToken: { tokenId: string; secretHash: string } | null;
      agentSecretHash: string | null;
    },
    metadata: EventMetadata,
  ): Promise<void> {
    const name = streams.serverName(input.name);
    await this.reserve(this.serverNames, name, input.serverId, `a server named ${input.name} is registered`, metadata);
    try {
      if (input.joinToken) {
        await this.joinTokens(
          streams.joinToken(input.joinToken.tokenId),
          { type: 'UseJoinToken', secretHash: input.joinToken.secretHash, serverId: input.serverId, at: this.now() },
          { metadata },
        );
      }
      await this.server(
        input.serverId,
        {
          type: 'RegisterServer',
          serverId: input.serverId,
          name: input.name,
          ownerId: input.ownerId,
          poolId: input.poolId,
          agent: input.agent,
          joinTokenId: input.joinToken?.tokenId ?? null,
          agentSecretHash: input.agentSecretHash,
          at: this.now(),
        },
        metadata,
      );
    } catch (error) {
      await this.serverNames.release(name, input.serverId, metadata);
      throw error;
    }
  }

  async server(serverId: string, command: ServerCommand, metadata: EventMetadata): Promise<void> {
    const result = await this.servers(streams.server(serverId), command, { metadata });
    await this.settle(result.position);
  }

  // ------------------------------------------------------------------------------------------------

  private async reserve(names: NameReservations, stream: string, ownerId: string, message: string, metadata: EventMetadata): Promise<void> {
    await sayingWhichName(names.reserve(stream, ownerId, metadata), message);
  }

  private async settle(position: number | undefined): Promise<void> {
    if (position !== undefined) await this.readModel.waitFor(position);
  }
}
