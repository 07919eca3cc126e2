import { assertNever, CommandRejected, type Decider } from '@hoody/decider';

/** The contract's container statuses. `copying` belongs to a later feature; a claim is one event, never `claiming` for long enough to show. */
export const CONTAINER_STATUSES = ['creating', 'running', 'paused', 'stopped', 'failed', 'deleted', 'copying', 'deleting', 'claiming'] as const;
export type ContainerStatus = (typeof CONTAINER_STATUSES)[number];

/** REST `POST /containers/{id}/{operation}`. */
export const CONTAINER_OPERATIONS = ['start', 'stop', 'force-stop', 'restart', 'pause', 'resume'] as const;
export type ContainerOperation = (typeof CONTAINER_OPERATIONS)[number];

/** 3-100 characters of letters, digits, `_` and `-` (the contract's rule). */
export const CONTAINER_NAME_PATTERN = /^[a-zA-Z0-9_-]{3,100}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const ID = /^[0-9a-f]{24}$/;

/** What a container runs as, fixed at creation (the create body's runtime fields). */
export interface ContainerSpec {
  /** Empty: the base image. */
  containerImage: string;
  hoodyKit: boolean;
  devKit: boolean;
  ramdisk: boolean;
  prespawn: boolean;
  bypassPrespawn: boolean;
  /** Cores; 0: no limit. */
  cpu: number;
  /** GiB; 0: no limit. */
  memory: number;
}

/** What `PUT/PATCH /containers/{id}` may change. */
export interface ContainerSettings {
  name: string;
  color: string | null;
  autostart: boolean;
  /** Recorded; Docker cannot change a created container's environment, so it applies to exec calls and re-creations only. */
  environmentVars: Record<string, string>;
  comment: string | null;
  realmIds: string[];
}

/**
 * A status change, carried by every event that changes the status: `status-logs` is a projection of
 * these. `triggeredBy` is `user:<id>` for a caller's request, `system:<part>` for what the platform
 * observed or finished on its own (`system:runtime`, `system:reconciler`, `system:provisioner`).
 */
export interface StatusTransition {
  /** null: the container's first status. */
  from: ContainerStatus | null;
  to: ContainerStatus;
  triggeredBy: string;
  at: string;
}

/** The state the engine reports for a container it has. */
export type ObservedState = 'running' | 'paused' | 'stopped';

/** Shown in `status_reason` when the engine lost a container behind the platform's back. */
export const MISSING_REASON = 'missing: the Docker container was removed outside the platform';

interface Acting {
  /** `user:<id>` or `system:<part>`. */
  triggeredBy: string;
  at: string;
}

export type ContainerOperationCommand =
  | ({ type: 'StartContainer' } & Acting)
  | ({ type: 'StopContainer' } & Acting)
  | ({ type: 'ForceStopContainer' } & Acting)
  | ({ type: 'RestartContainer' } & Acting)
  | ({ type: 'PauseContainer' } & Acting)
  | ({ type: 'ResumeContainer' } & Acting);

/** A warm container's template: which pool it belongs to, and whether someone claimed it. */
export interface PrespawnOrigin {
  templateId: string;
  /** The template's generation it was made for: an older one is drained. */
  generation: number;
  /** null while it is warm (in the pool, in no project). */
  claimedAt: string | null;
}

export type ContainerCommand =
  | ({ type: 'RequestContainer'; containerId: string; projectId: string; serverId: string; settings: ContainerSettings; spec: ContainerSpec } & Acting)
  | ({ type: 'RequestWarmContainer'; containerId: string; serverId: string; templateId: string; generation: number; spec: ContainerSpec; environmentVars: Record<string, string> } & Acting)
  | ({ type: 'ClaimContainer'; projectId: string; settings: ContainerSettings } & Acting)
  | ({ type: 'RetireWarmContainer' } & Acting)
  | ({ type: 'RecordContainerProvisioned'; dockerId: string; observed: ObservedState } & Acting)
  | ({ type: 'RecordProvisioningFailed'; reason: string } & Acting)
  | ContainerOperationCommand
  | ({ type: 'RecordContainerExited'; exitCode: number | null } & Acting)
  | ({ type: 'RecordContainerObserved'; observed: ObservedState; dockerId: string } & Acting)
  | ({ type: 'RecordContainerMissing' } & Acting)
  | ({ type: 'UpdateContainer'; changes: Partial<ContainerSettings>; at: string } & SeenIn)
  | ({ type: 'DeleteContainer' } & Acting & SeenIn)
  | ({ type: 'RecordContainerDeleted' } & Acting);

/**
 * The project the caller saw the container in ('' for a warm one). A warm container claimed since
 * is another container to them: not found, rather than changed or deleted under its new owner.
 */
interface SeenIn {
  asSeenIn?: string;
}

type Transitioned<T extends string, D = object> = { type: T; data: D & { transition: StatusTransition } };

export type ContainerOperationEvent =
  | Transitioned<'ContainerStarted'>
  | Transitioned<'ContainerStopped'>
  | Transitioned<'ContainerForceStopped'>
  | Transitioned<'ContainerRestarted'>
  | Transitioned<'ContainerPaused'>
  | Transitioned<'ContainerResumed'>;

export type ContainerEvent =
  | Transitioned<'ContainerRequested', { containerId: string; projectId: string; serverId: string; settings: ContainerSettings; spec: ContainerSpec }>
  | Transitioned<'WarmContainerRequested', { containerId: string; serverId: string; templateId: string; generation: number; settings: ContainerSettings; spec: ContainerSpec }>
  | { type: 'ContainerClaimed'; data: { projectId: string; settings: ContainerSettings; claimedBy: string; claimedAt: string } }
  | Transitioned<'ContainerProvisioned', { dockerId: string }>
  | Transitioned<'ContainerProvisioningFailed', { reason: string }>
  | ContainerOperationEvent
  | Transitioned<'ContainerExited', { exitCode: number | null }>
  | Transitioned<'ContainerStatusObserved', { dockerId: string }>
  | Transitioned<'ContainerMissing', { reason: string }>
  | { type: 'ContainerUpdated'; data: { changes: Partial<ContainerSettings>; updatedAt: string } }
  | Transitioned<'ContainerDeletionRequested'>
  | Transitioned<'ContainerDeleted'>;

/** Every event type of a container stream (for projections' filters and tests). */
export const CONTAINER_EVENT_TYPES: ReadonlyArray<ContainerEvent['type']> = [
  'ContainerRequested',
  'WarmContainerRequested',
  'ContainerClaimed',
  'ContainerProvisioned',
  'ContainerProvisioningFailed',
  'ContainerStarted',
  'ContainerStopped',
  'ContainerForceStopped',
  'ContainerRestarted',
  'ContainerPaused',
  'ContainerResumed',
  'ContainerExited',
  'ContainerStatusObserved',
  'ContainerMissing',
  'ContainerUpdated',
  'ContainerDeletionRequested',
  'ContainerDeleted',
];

export interface ContainerRecord {
  containerId: string;
  /** Empty while the container is warm. */
  projectId: string;
  serverId: string;
  settings: ContainerSettings;
  spec: ContainerSpec;
  /** Set once the agent created it; the platform id is not the Docker id. */
  dockerId: string | null;
  /** Why it is `failed`; null otherwise. */
  statusReason: string | null;
  /** Exit code of the main process when it ended on its own. */
  exitCode: number | null;
  statusChangedAt: string;
  createdAt: string;
  updatedAt: string;
  /** Set for a container made warm for a prespawn template. */
  prespawn: PrespawnOrigin | null;
}

/** A warm container waiting in its pool: no project yet. */
export const isWarm = (c: ContainerRecord) => c.prespawn !== null && c.prespawn.claimedAt === null;

/** A warm container's name until it is claimed. */
export const warmName = (containerId: string) => `warm-${containerId}`;

export type ContainerState = { status: 'none' } | { status: ContainerStatus; container: ContainerRecord };

/**
 * The operations' rules: from which statuses each is allowed, the status it leads to, and the
 * command and event that carry it. `restart` of a paused container is refused (resume it first).
 */
export const OPERATION_RULES: Record<
  ContainerOperation,
  { command: ContainerOperationCommand['type']; event: ContainerOperationEvent['type']; from: readonly ContainerStatus[]; to: ContainerStatus }
> = {
  start: { command: 'StartContainer', event: 'ContainerStarted', from: ['stopped'], to: 'running' },
  stop: { command: 'StopContainer', event: 'ContainerStopped', from: ['running', 'paused'], to: 'stopped' },
  'force-stop': { command: 'ForceStopContainer', event: 'ContainerForceStopped', from: ['running', 'paused'], to: 'stopped' },
  restart: { command: 'RestartContainer', event: 'ContainerRestarted', from: ['running', 'stopped'], to: 'running' },
  pause: { command: 'PauseContainer', event: 'ContainerPaused', from: ['running'], to: 'paused' },
  resume: { command: 'ResumeContainer', event: 'ContainerResumed', from: ['paused'], to: 'running' },
};

const OPERATION_OF_COMMAND = Object.fromEntries(
  (Object.keys(OPERATION_RULES) as ContainerOperation[]).map((op) => [OPERATION_RULES[op].command, op]),
) as Record<ContainerOperationCommand['type'], ContainerOperation>;

/** The command of an operation, for a caller acting at `at`. */
export function operationCommand(operation: ContainerOperation, triggeredBy: string, at: string): ContainerOperationCommand {
  return { type: OPERATION_RULES[operation].command, triggeredBy, at };
}

/** Statuses from which a container can be deleted (`deleting` again: the deletion is re-driven). */
export const DELETABLE_FROM: readonly ContainerStatus[] = ['running', 'paused', 'stopped', 'failed', 'deleting'];

const notFound = () => new CommandRejected('CONTAINER_NOT_FOUND', 'container not found');
const unavailable = (why: string) => new CommandRejected('PRESPAWN_UNAVAILABLE', `this warm container cannot be claimed: ${why}`);
const invalid = (message: string) => new CommandRejected('VALIDATION_FAILED', message);
const invalidState = (status: ContainerStatus, what: string) => new CommandRejected('INVALID_STATE', `the container is ${status}: ${what}`);

function transition(from: ContainerStatus | null, to: ContainerStatus, acting: Acting): StatusTransition {
  return { from, to, triggeredBy: acting.triggeredBy, at: acting.at };
}

function validateSettings(settings: Partial<ContainerSettings>): void {
  if (settings.name !== undefined && !CONTAINER_NAME_PATTERN.test(settings.name)) {
    throw invalid('name: 3-100 characters of letters, digits, _ and -');
  }
  for (const key of Object.keys(settings.environmentVars ?? {})) {
    if (!ENV_NAME.test(key)) throw invalid(`environment_vars: ${JSON.stringify(key)} is not a variable name (letters, digits and _, not starting with a digit)`);
  }
  for (const realm of settings.realmIds ?? []) {
    if (!ID.test(realm)) throw invalid(`realm_ids: ${JSON.stringify(realm)} is not an id (24 lowercase hex characters)`);
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return sameValue(ka, kb) && ka.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
  }
  return a === b;
}

/**
 * A container on a server. Commands that follow a caller's request (operations, delete) are
 * checked against the status first; commands that record what the engine did or showed
 * (`Record*`) never fail on a status they do not apply to: they record nothing.
 */
export const containerDecider: Decider<ContainerCommand, ContainerEvent, ContainerState> = {
  initialState: { status: 'none' },
  decide(command, state) {
    if (command.type === 'RequestContainer') {
      if (state.status !== 'none') throw new CommandRejected('CONTAINER_EXISTS', `container ${command.containerId} already exists`);
      validateSettings(command.settings);
      if (!(command.spec.cpu >= 0) || !(command.spec.memory >= 0)) throw invalid('cpu and memory must be 0 (no limit) or positive');
      const { containerId, projectId, serverId, settings, spec } = command;
      return [{ type: 'ContainerRequested', data: { containerId, projectId, serverId, settings, spec, transition: transition(null, 'creating', command) } }];
    }
    if (command.type === 'RequestWarmContainer') {
      if (state.status !== 'none') throw new CommandRejected('CONTAINER_EXISTS', `container ${command.containerId} already exists`);
      const { containerId, serverId, templateId, generation, spec } = command;
      const settings: ContainerSettings = { name: warmName(containerId), color: null, autostart: true, environmentVars: command.environmentVars, comment: null, realmIds: [] };
      validateSettings(settings);
      return [{ type: 'WarmContainerRequested', data: { containerId, serverId, templateId, generation, settings, spec, transition: transition(null, 'creating', command) } }];
    }
    if (state.status === 'none' || state.status === 'deleted') {
      if (command.type === 'RecordContainerDeleted' || command.type === 'RecordContainerExited' || command.type === 'RecordContainerMissing' || command.type === 'RetireWarmContainer') return [];
      throw notFound();
    }
    const status = state.status;
    if ((command.type === 'UpdateContainer' || command.type === 'DeleteContainer') && command.asSeenIn !== undefined && command.asSeenIn !== state.container.projectId) throw notFound();
    switch (command.type) {
      case 'ClaimContainer': {
        if (!isWarm(state.container)) throw unavailable(state.container.prespawn ? 'it was claimed already' : 'it is not a warm container');
        if (status !== 'running') throw unavailable(`it is ${status}`);
        validateSettings(command.settings);
        return [{ type: 'ContainerClaimed', data: { projectId: command.projectId, settings: command.settings, claimedBy: command.triggeredBy, claimedAt: command.at } }];
      }
      case 'RetireWarmContainer':
        // A container claimed meanwhile is its claimer's now: nothing to retire.
        if (!isWarm(state.container) || status === 'deleting' || !DELETABLE_FROM.includes(status)) return [];
        return [{ type: 'ContainerDeletionRequested', data: { transition: transition(status, 'deleting', command) } }];
      case 'RecordContainerProvisioned': {
        if (status !== 'creating') return [];
        return [{ type: 'ContainerProvisioned', data: { dockerId: command.dockerId, transition: transition(status, command.observed, command) } }];
      }
      case 'RecordProvisioningFailed':
        if (status !== 'creating') return [];
        return [{ type: 'ContainerProvisioningFailed', data: { reason: command.reason, transition: transition(status, 'failed', command) } }];
      case 'StartContainer':
      case 'StopContainer':
      case 'ForceStopContainer':
      case 'RestartContainer':
      case 'PauseContainer':
      case 'ResumeContainer': {
        const operation = OPERATION_OF_COMMAND[command.type];
        const rule = OPERATION_RULES[operation];
        if (!rule.from.includes(status)) throw invalidState(status, `${operation} needs it ${rule.from.join(' or ')}`);
        return [{ type: rule.event, data: { transition: transition(status, rule.to, command) } }];
      }
      case 'RecordContainerExited':
        if (status !== 'running' && status !== 'paused') return [];
        return [{ type: 'ContainerExited', data: { exitCode: command.exitCode, transition: transition(status, 'stopped', command) } }];
      case 'RecordContainerObserved': {
        const drifted = status === 'stopped' || status === 'running' || status === 'paused' || (status === 'failed' && state.container.statusReason === MISSING_REASON);
        if (!drifted || status === command.observed) return [];
        return [{ type: 'ContainerStatusObserved', data: { dockerId: command.dockerId, transition: transition(status, command.observed, command) } }];
      }
      case 'RecordContainerMissing':
        if (status !== 'running' && status !== 'paused' && status !== 'stopped') return [];
        return [{ type: 'ContainerMissing', data: { reason: MISSING_REASON, transition: transition(status, 'failed', command) } }];
      case 'UpdateContainer': {
        if (status === 'deleting') throw invalidState(status, 'it cannot be changed any more');
        validateSettings(command.changes);
        const current = state.container.settings;
        const changes: Partial<ContainerSettings> = {};
        for (const key of Object.keys(command.changes) as Array<keyof ContainerSettings>) {
          const next = command.changes[key];
          if (next !== undefined && !sameValue(next, current[key])) Object.assign(changes, { [key]: next });
        }
        return Object.keys(changes).length === 0 ? [] : [{ type: 'ContainerUpdated', data: { changes, updatedAt: command.at } }];
      }
      case 'DeleteContainer':
        if (!DELETABLE_FROM.includes(status)) throw invalidState(status, 'wait until it is created');
        if (status === 'deleting') return [];
        return [{ type: 'ContainerDeletionRequested', data: { transition: transition(status, 'deleting', command) } }];
      case 'RecordContainerDeleted':
        if (status !== 'deleting') throw invalidState(status, 'delete it first');
        return [{ type: 'ContainerDeleted', data: { transition: transition(status, 'deleted', command) } }];
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    if (event.type === 'ContainerRequested') {
      const { containerId, projectId, serverId, settings, spec, transition: t } = event.data;
      return {
        status: t.to,
        container: { containerId, projectId, serverId, settings, spec, dockerId: null, statusReason: null, exitCode: null, statusChangedAt: t.at, createdAt: t.at, updatedAt: t.at, prespawn: null },
      };
    }
    if (event.type === 'WarmContainerRequested') {
      const { containerId, serverId, templateId, generation, settings, spec, transition: t } = event.data;
      return {
        status: t.to,
        container: {
          containerId, projectId: '', serverId, settings, spec, dockerId: null, statusReason: null, exitCode: null,
          statusChangedAt: t.at, createdAt: t.at, updatedAt: t.at, prespawn: { templateId, generation, claimedAt: null },
        },
      };
    }
    if (state.status === 'none') return state;
    const container = state.container;
    switch (event.type) {
      case 'ContainerClaimed': {
        const { projectId, settings, claimedAt } = event.data;
        const prespawn = container.prespawn && { ...container.prespawn, claimedAt };
        // To its new owner it was created by their create: warmed earlier is the pool's business.
        return { ...state, container: { ...container, projectId, settings, prespawn, createdAt: claimedAt, updatedAt: claimedAt } };
      }
      case 'ContainerUpdated':
        return { ...state, container: { ...container, settings: { ...container.settings, ...event.data.changes }, updatedAt: event.data.updatedAt } };
      case 'ContainerProvisioned':
      case 'ContainerStatusObserved':
        return moved(state, event.data.transition, { dockerId: event.data.dockerId, statusReason: null, exitCode: null });
      case 'ContainerProvisioningFailed':
      case 'ContainerMissing':
        return moved(state, event.data.transition, { statusReason: event.data.reason });
      case 'ContainerExited':
        return moved(state, event.data.transition, { exitCode: event.data.exitCode });
      case 'ContainerStarted':
      case 'ContainerRestarted':
      case 'ContainerResumed':
        return moved(state, event.data.transition, { exitCode: null });
      case 'ContainerStopped':
      case 'ContainerForceStopped':
      case 'ContainerPaused':
      case 'ContainerDeletionRequested':
      case 'ContainerDeleted':
        return moved(state, event.data.transition, {});
      default:
        return assertNever(event);
    }
  },
};

function moved(state: { status: ContainerStatus; container: ContainerRecord }, t: StatusTransition, changes: Partial<ContainerRecord>): ContainerState {
  return { status: t.to, container: { ...state.container, ...changes, statusChangedAt: t.at, updatedAt: t.at } };
}

/** The status transition an event records, if it records one. */
export function transitionOf(event: ContainerEvent): StatusTransition | undefined {
  return 'transition' in event.data ? event.data.transition : undefined;
}
