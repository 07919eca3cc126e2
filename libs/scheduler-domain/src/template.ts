import { assertNever, CommandRejected, type Decider } from '@hoody/decider';

/** What a template's warm containers run: a create matches a template on these (and the server). */
export interface TemplateSpec {
  containerImage: string;
  hoodyKit: boolean;
  devKit: boolean;
  environmentVars: Record<string, string>;
  /** Cores; 0: no limit. */
  cpu: number;
  /** GiB; 0: no limit. */
  memory: number;
}

/** Where and how many. Exactly one of `serverIds` (non-empty) and `poolId`. */
export interface TemplatePlacement {
  serverIds: string[];
  poolId: string | null;
  minReady: number;
  maxReady: number;
  /** Seconds a warm container waits for a claim before it is recycled; 0: forever. */
  ttlSeconds: number;
}

export interface TemplateSettings extends TemplateSpec, TemplatePlacement {
  name: string;
}

export type TemplateState =
  | { status: 'none' }
  | {
      status: 'active' | 'paused' | 'degraded' | 'deleted';
      templateId: string;
      ownerId: string;
      /** The server whose `prespawn_count` this template is; null for a template of its own. */
      defaultForServerId: string | null;
      settings: TemplateSettings;
      /** Raised whenever the spec changes: warm containers of an older generation are drained. */
      generation: number;
      degradedReason: string | null;
      createdAt: string;
      updatedAt: string;
    };

export type TemplateCommand =
  | { type: 'CreateTemplate'; templateId: string; ownerId: string; defaultForServerId: string | null; settings: TemplateSettings; at: string }
  | { type: 'UpdateTemplate'; changes: Partial<TemplateSettings>; at: string }
  | { type: 'PauseTemplate'; at: string }
  | { type: 'ResumeTemplate'; at: string }
  | { type: 'DeleteTemplate'; at: string }
  | { type: 'RecordTemplateDegraded'; reason: string; at: string }
  | { type: 'RecordTemplateRecovered'; at: string };

export type TemplateEvent =
  | { type: 'TemplateCreated'; data: { templateId: string; ownerId: string; defaultForServerId: string | null; settings: TemplateSettings; createdAt: string } }
  | { type: 'TemplateUpdated'; data: { changes: Partial<TemplateSettings>; generation: number; updatedAt: string } }
  | { type: 'TemplatePaused'; data: { at: string } }
  | { type: 'TemplateResumed'; data: { at: string } }
  | { type: 'TemplateDeleted'; data: { at: string } }
  | { type: 'TemplateDegraded'; data: { reason: string; at: string } }
  | { type: 'TemplateRecovered'; data: { at: string } };

export const TEMPLATE_EVENT_TYPES: ReadonlyArray<TemplateEvent['type']> = [
  'TemplateCreated',
  'TemplateUpdated',
  'TemplatePaused',
  'TemplateResumed',
  'TemplateDeleted',
  'TemplateDegraded',
  'TemplateRecovered',
];

/** A pool never holds more warm containers than this, whatever a template asks. */
export const MAX_READY_LIMIT = 100;

const SPEC_FIELDS: ReadonlyArray<keyof TemplateSpec> = ['containerImage', 'hoodyKit', 'devKit', 'environmentVars', 'cpu', 'memory'];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const ID = /^[0-9a-f]{24}$/;

const invalid = (message: string) => new CommandRejected('VALIDATION_FAILED', message);
const notFound = () => new CommandRejected('TEMPLATE_NOT_FOUND', 'template not found');

function validate(s: TemplateSettings): void {
  if (s.name.length < 1 || s.name.length > 100) throw invalid('name: 1-100 characters');
  for (const key of Object.keys(s.environmentVars)) {
    if (!ENV_NAME.test(key)) throw invalid(`environment_vars: ${JSON.stringify(key)} is not a variable name (letters, digits and _, not starting with a digit)`);
  }
  if (!(s.cpu >= 0) || !(s.memory >= 0)) throw invalid('cpu and memory must be 0 (no limit) or positive');
  if ((s.serverIds.length > 0) === (s.poolId !== null)) throw invalid('give either server_ids (at least one) or pool_id');
  for (const id of [...s.serverIds, ...(s.poolId !== null ? [s.poolId] : [])]) {
    if (!ID.test(id)) throw invalid(`${JSON.stringify(id)} is not an id (24 lowercase hex characters)`);
  }
  if (new Set(s.serverIds).size !== s.serverIds.length) throw invalid('server_ids: a server is named twice');
  const whole = (n: number) => Number.isInteger(n) && n >= 0;
  if (!whole(s.minReady) || !whole(s.maxReady) || !whole(s.ttlSeconds)) throw invalid('min_ready, max_ready and ttl are whole numbers, 0 or more');
  if (s.maxReady > MAX_READY_LIMIT) throw invalid(`max_ready: at most ${MAX_READY_LIMIT}`);
  if (s.minReady > s.maxReady) throw invalid(`min_ready (${s.minReady}) is more than max_ready (${s.maxReady})`);
}

/** Objects compared by their entries, whatever their key order. */
const canonical = (value: unknown): unknown =>
  value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)) : value;
const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** Whether two specs run the same warm containers. */
export function sameSpec(a: TemplateSpec, b: TemplateSpec): boolean {
  return SPEC_FIELDS.every((k) => same(a[k], b[k]));
}

/**
 * A prespawn template: what to keep warm, where, how many. Pausing stops refilling; `degraded` is
 * what the pool manager records after repeated failures, and stops refilling until the template is
 * changed or resumed. A server's default template (its `prespawn_count`) is deleted only by setting
 * the count to 0.
 */
export const templateDecider: Decider<TemplateCommand, TemplateEvent, TemplateState> = {
  initialState: { status: 'none' },
  decide(command, state) {
    if (command.type === 'CreateTemplate') {
      if (state.status !== 'none') throw new CommandRejected('TEMPLATE_EXISTS', `template ${command.templateId} already exists`);
      validate(command.settings);
      const { templateId, ownerId, defaultForServerId, settings, at } = command;
      return [{ type: 'TemplateCreated', data: { templateId, ownerId, defaultForServerId, settings, createdAt: at } }];
    }
    if (state.status === 'none' || state.status === 'deleted') throw notFound();
    switch (command.type) {
      case 'UpdateTemplate': {
        const changes: Partial<TemplateSettings> = {};
        for (const key of Object.keys(command.changes) as Array<keyof TemplateSettings>) {
          const next = command.changes[key];
          if (next !== undefined && !same(next, state.settings[key])) Object.assign(changes, { [key]: next });
        }
        // Where its pools are is one choice: naming servers drops the pool, and the other way round.
        if (changes.serverIds !== undefined && changes.serverIds.length > 0 && command.changes.poolId === undefined && state.settings.poolId !== null) changes.poolId = null;
        if (changes.poolId !== undefined && changes.poolId !== null && command.changes.serverIds === undefined && state.settings.serverIds.length > 0) changes.serverIds = [];
        if (Object.keys(changes).length === 0) return [];
        const next = { ...state.settings, ...changes };
        validate(next);
        if (state.defaultForServerId !== null && (changes.serverIds !== undefined || changes.poolId !== undefined)) {
          throw invalid("a server's default template stays on its server");
        }
        const sameRun = sameSpec(state.settings, next);
        // Everyone placing on the server claims from it: what it runs is what prespawn_count promises.
        if (state.defaultForServerId !== null && !sameRun) {
          throw invalid("a server's default template runs the base image with Hoody Kit, no limits and no environment: create a template of your own for anything else");
        }
        const generation = sameRun ? state.generation : state.generation + 1;
        return [{ type: 'TemplateUpdated', data: { changes, generation, updatedAt: command.at } }];
      }
      case 'PauseTemplate':
        return state.status === 'paused' ? [] : [{ type: 'TemplatePaused', data: { at: command.at } }];
      case 'ResumeTemplate':
        return state.status === 'active' ? [] : [{ type: 'TemplateResumed', data: { at: command.at } }];
      case 'DeleteTemplate':
        if (state.defaultForServerId !== null) {
          throw new CommandRejected('INVALID_STATE', `this is the default template of server ${state.defaultForServerId}: set its prespawn_count to 0 instead`);
        }
        return [{ type: 'TemplateDeleted', data: { at: command.at } }];
      case 'RecordTemplateDegraded':
        return state.status === 'active' ? [{ type: 'TemplateDegraded', data: { reason: command.reason, at: command.at } }] : [];
      case 'RecordTemplateRecovered':
        return state.status === 'degraded' ? [{ type: 'TemplateRecovered', data: { at: command.at } }] : [];
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    if (event.type === 'TemplateCreated') {
      const { templateId, ownerId, defaultForServerId, settings, createdAt } = event.data;
      return { status: 'active', templateId, ownerId, defaultForServerId, settings, generation: 1, degradedReason: null, createdAt, updatedAt: createdAt };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'TemplateUpdated': {
        // A change is a new start: a degraded template is tried again.
        const status = state.status === 'degraded' ? 'active' : state.status;
        return { ...state, status, settings: { ...state.settings, ...event.data.changes }, generation: event.data.generation, degradedReason: null, updatedAt: event.data.updatedAt };
      }
      case 'TemplatePaused':
        return { ...state, status: 'paused', updatedAt: event.data.at };
      case 'TemplateResumed':
      case 'TemplateRecovered':
        return { ...state, status: 'active', degradedReason: null, updatedAt: event.data.at };
      case 'TemplateDeleted':
        return { ...state, status: 'deleted', updatedAt: event.data.at };
      case 'TemplateDegraded':
        return { ...state, status: 'degraded', degradedReason: event.data.reason, updatedAt: event.data.at };
      default:
        return assertNever(event);
    }
  },
};
