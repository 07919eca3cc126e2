import { given } from '@hoody/decider';
import { MAX_READY_LIMIT, sameSpec, templateDecider, type TemplateCommand, type TemplateEvent, type TemplateSettings, type TemplateState } from './template';

const at = '2026-11-29T10:00:00.000Z';
const later = '2026-11-29T10:05:00.000Z';
const templateId = 'e0e0e0e0e0e0e0e0e0e0e0e0';
const ownerId = 'u1';
const server1 = 'a0a0a0a0a0a0a0a0a0a0a0a0';
const server2 = 'a1a1a1a1a1a1a1a1a1a1a1a1';
const pool = 'b1b1b1b1b1b1b1b1b1b1b1b1';

const settings: TemplateSettings = {
  name: 'node-warm',
  containerImage: 'node:22',
  hoodyKit: true,
  devKit: false,
  environmentVars: { NODE_ENV: 'production', PORT: '3000' },
  cpu: 2,
  memory: 4,
  serverIds: [server1],
  poolId: null,
  minReady: 2,
  maxReady: 5,
  ttlSeconds: 3600,
};
const onPool: TemplateSettings = { ...settings, serverIds: [], poolId: pool };

const create = (s: TemplateSettings = settings, defaultForServerId: string | null = null): TemplateCommand => ({ type: 'CreateTemplate', templateId, ownerId, defaultForServerId, settings: s, at });
const createdWith = (s: TemplateSettings = settings, defaultForServerId: string | null = null): TemplateEvent => ({
  type: 'TemplateCreated',
  data: { templateId, ownerId, defaultForServerId, settings: s, createdAt: at },
});
const created = createdWith();
/** server1's default template (its prespawn_count). */
const defaultCreated = createdWith(settings, server1);

const update = (changes: Partial<TemplateSettings>): TemplateCommand => ({ type: 'UpdateTemplate', changes, at: later });
const updated = (changes: Partial<TemplateSettings>, generation: number): TemplateEvent => ({ type: 'TemplateUpdated', data: { changes, generation, updatedAt: later } });
const paused: TemplateEvent = { type: 'TemplatePaused', data: { at: later } };
const resumed: TemplateEvent = { type: 'TemplateResumed', data: { at: later } };
const degraded: TemplateEvent = { type: 'TemplateDegraded', data: { reason: 'image node:22 not found', at: later } };
const recovered: TemplateEvent = { type: 'TemplateRecovered', data: { at: later } };
const deleted: TemplateEvent = { type: 'TemplateDeleted', data: { at: later } };

/** The state of `created` after `changes`, for assertions on `evolve`. */
const stateOf = (overrides: Partial<Extract<TemplateState, { templateId: string }>>): TemplateState => ({
  status: 'active',
  templateId,
  ownerId,
  defaultForServerId: null,
  settings,
  generation: 1,
  degradedReason: null,
  createdAt: at,
  updatedAt: at,
  ...overrides,
});

const accepts = (changes: Partial<TemplateSettings>) => given(templateDecider, []).when(create({ ...settings, ...changes })).then([createdWith({ ...settings, ...changes })]);
const refuses = (changes: Partial<TemplateSettings>) => given(templateDecider, []).when(create({ ...settings, ...changes })).thenRejected('VALIDATION_FAILED');

describe('template decider: creation and validation', () => {
  it('creates an active template at generation 1, keeping every setting', () => {
    given(templateDecider, []).when(create()).then([created]);
    given(templateDecider, [created]).thenState(stateOf({}));
    given(templateDecider, []).when(create(onPool)).then([createdWith(onPool)]);
    given(templateDecider, []).when(create(settings, server1)).then([defaultCreated]);
  });

  it('refuses a second template with the same id, even a deleted one', () => {
    given(templateDecider, [created]).when(create()).thenRejected('TEMPLATE_EXISTS');
    given(templateDecider, [created, deleted]).when(create()).thenRejected('TEMPLATE_EXISTS');
  });

  it('takes a name of 1 to 100 characters', () => {
    accepts({ name: 'x' });
    accepts({ name: 'x'.repeat(100) });
    refuses({ name: '' });
    refuses({ name: 'x'.repeat(101) });
  });

  it('takes environment variable names only (letters, digits and _, not starting with a digit, at most 255)', () => {
    accepts({ environmentVars: { _PRIVATE: '1', lower_case9: 'x', ['A'.repeat(255)]: 'long' } });
    accepts({ environmentVars: {} });
    for (const name of ['1X', 'A-B', 'HAS SPACE', '', 'DOT.TED', 'A'.repeat(256)]) refuses({ environmentVars: { OK: '1', [name]: 'y' } });
  });

  it('takes no-limit (0) or positive cpu and memory', () => {
    accepts({ cpu: 0, memory: 0 });
    accepts({ cpu: 0.5, memory: 0.25 });
    refuses({ cpu: -1 });
    refuses({ memory: -0.5 });
    refuses({ cpu: Number.NaN });
  });

  it('places a template on named servers or on a pool, never both, never neither', () => {
    accepts({ serverIds: [server1, server2] });
    refuses({ serverIds: [], poolId: null });
    refuses({ serverIds: [server1], poolId: pool });
  });

  it('takes server and pool ids of 24 lowercase hex characters, each server once', () => {
    for (const id of ['A0A0A0A0A0A0A0A0A0A0A0A0', 'a0a0', 'a0a0a0a0a0a0a0a0a0a0a0a0a', 'node-1', '']) {
      refuses({ serverIds: [server1, id] });
      refuses({ serverIds: [], poolId: id });
    }
    refuses({ serverIds: [server1, server2, server1] });
  });

  it('keeps min_ready ≤ max_ready ≤ 100', () => {
    accepts({ minReady: 0, maxReady: 0 });
    accepts({ minReady: 5, maxReady: 5 });
    accepts({ minReady: 0, maxReady: MAX_READY_LIMIT });
    expect(MAX_READY_LIMIT).toBe(100);
    refuses({ minReady: 0, maxReady: 101 });
    refuses({ minReady: 6, maxReady: 5 });
  });

  it('takes whole counts and ttl, 0 or more (ttl 0: forever)', () => {
    accepts({ ttlSeconds: 0 });
    for (const bad of [1.5, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      refuses({ minReady: bad });
      refuses({ maxReady: bad });
      refuses({ ttlSeconds: bad });
    }
  });
});

describe('template decider: update', () => {
  it('records only the settings that really change', () => {
    given(templateDecider, [created])
      .when(update({ name: 'renamed', minReady: 2, containerImage: 'node:22', serverIds: [server1], poolId: null, environmentVars: { PORT: '3000', NODE_ENV: 'production' } }))
      .then([updated({ name: 'renamed' }, 1)]);
    given(templateDecider, [created]).when(update({ ...settings })).then([]);
    given(templateDecider, [created]).when(update({})).then([]);
  });

  it('raises the generation when what the warm containers run changes (image, kits, environment, cpu, memory)', () => {
    const specChanges: Array<Partial<TemplateSettings>> = [
      { containerImage: 'node:24' },
      { hoodyKit: false },
      { devKit: true },
      { environmentVars: { NODE_ENV: 'production', PORT: '8080' } },
      { environmentVars: { NODE_ENV: 'production' } },
      { cpu: 4 },
      { memory: 0 },
    ];
    for (const changes of specChanges) given(templateDecider, [created]).when(update(changes)).then([updated(changes, 2)]);
    // each change of the spec is a new generation
    given(templateDecider, [created, updated({ cpu: 4 }, 2)]).when(update({ memory: 8 })).then([updated({ memory: 8 }, 3)]);
  });

  it('keeps the generation (and the warm containers) when only name, counts, ttl or servers change', () => {
    const placementChanges: Array<Partial<TemplateSettings>> = [{ name: 'other' }, { minReady: 1 }, { maxReady: 9 }, { ttlSeconds: 60 }, { serverIds: [server1, server2] }];
    for (const changes of placementChanges) given(templateDecider, [created]).when(update(changes)).then([updated(changes, 1)]);
    given(templateDecider, [created, updated({ cpu: 4 }, 2)]).when(update({ minReady: 0 })).then([updated({ minReady: 0 }, 2)]);
  });

  it('compares environment variables regardless of their order', () => {
    given(templateDecider, [created]).when(update({ environmentVars: { PORT: '3000', NODE_ENV: 'production' } })).then([]);
    expect(sameSpec(settings, { ...settings, environmentVars: { PORT: '3000', NODE_ENV: 'production' } })).toBe(true);
    const placedElsewhere: TemplateSettings = { ...onPool, name: 'x', minReady: 0, ttlSeconds: 1 };
    expect(sameSpec(settings, placedElsewhere)).toBe(true);
    expect(sameSpec(settings, { ...settings, environmentVars: { NODE_ENV: 'production', PORT: '3001' } })).toBe(false);
    expect(sameSpec(settings, { ...settings, devKit: true })).toBe(false);
  });

  it('folds the changes and the generation into the template', () => {
    given(templateDecider, [created, updated({ cpu: 4, minReady: 3 }, 2)]).thenState(
      stateOf({ settings: { ...settings, cpu: 4, minReady: 3 }, generation: 2, updatedAt: later }),
    );
  });

  it('checks the template the changes make', () => {
    given(templateDecider, [created]).when(update({ minReady: 6 })).thenRejected('VALIDATION_FAILED');
    given(templateDecider, [created]).when(update({ maxReady: 1 })).thenRejected('VALIDATION_FAILED');
    given(templateDecider, [created]).when(update({ maxReady: 101 })).thenRejected('VALIDATION_FAILED');
    given(templateDecider, [created]).when(update({ name: '' })).thenRejected('VALIDATION_FAILED');
    given(templateDecider, [created]).when(update({ environmentVars: { '1X': 'y' } })).thenRejected('VALIDATION_FAILED');
    given(templateDecider, [created]).when(update({ serverIds: [] })).thenRejected('VALIDATION_FAILED');
    given(templateDecider, [created]).when(update({ serverIds: ['nope'] })).thenRejected('VALIDATION_FAILED');
    given(templateDecider, [createdWith(onPool)]).when(update({ poolId: null })).thenRejected('VALIDATION_FAILED');
  });

  it('moves a pool template onto named servers, dropping the pool', () => {
    given(templateDecider, [createdWith(onPool)]).when(update({ serverIds: [server2] })).then([updated({ serverIds: [server2], poolId: null }, 1)]);
    given(templateDecider, [createdWith(onPool), updated({ serverIds: [server2], poolId: null }, 1)]).thenState(
      stateOf({ settings: { ...onPool, serverIds: [server2], poolId: null }, updatedAt: later }),
    );
  });

  it('moves a server template onto a pool, dropping the servers', () => {
    given(templateDecider, [created]).when(update({ poolId: pool })).then([updated({ poolId: pool, serverIds: [] }, 1)]);
    given(templateDecider, [created, updated({ poolId: pool, serverIds: [] }, 1)]).thenState(stateOf({ settings: onPool, updatedAt: later }));
  });

  it('moving between servers or between pools records no change of the other placement', () => {
    given(templateDecider, [created]).when(update({ serverIds: [server2] })).then([updated({ serverIds: [server2] }, 1)]);
    const pool2 = 'b2b2b2b2b2b2b2b2b2b2b2b2';
    given(templateDecider, [createdWith(onPool)]).when(update({ poolId: pool2 })).then([updated({ poolId: pool2 }, 1)]);
  });

  it('refuses servers and a pool given together', () => {
    given(templateDecider, [created]).when(update({ serverIds: [server2], poolId: pool })).thenRejected('VALIDATION_FAILED');
    given(templateDecider, [createdWith(onPool)]).when(update({ serverIds: [server2], poolId: pool })).thenRejected('VALIDATION_FAILED');
  });
});

describe("template decider: a server's default template", () => {
  it('stays on its server', () => {
    given(templateDecider, [defaultCreated]).when(update({ serverIds: [server2] })).thenRejected('VALIDATION_FAILED');
    given(templateDecider, [defaultCreated]).when(update({ serverIds: [server1, server2] })).thenRejected('VALIDATION_FAILED');
    given(templateDecider, [defaultCreated]).when(update({ poolId: pool })).thenRejected('VALIDATION_FAILED');
    given(templateDecider, [defaultCreated]).when(update({ serverIds: [server1] })).then([]);
  });

  it('keeps running what prespawn_count promises (everyone placing on the server claims from it); its size and ttl change', () => {
    given(templateDecider, [defaultCreated]).when(update({ minReady: 4, containerImage: 'node:24' })).thenRejected('VALIDATION_FAILED');
    given(templateDecider, [defaultCreated]).when(update({ environmentVars: { SECRET: 'owner-only' } })).thenRejected('VALIDATION_FAILED');
    given(templateDecider, [defaultCreated]).when(update({ cpu: 1 })).thenRejected('VALIDATION_FAILED');
    given(templateDecider, [defaultCreated]).when(update({ minReady: 4, maxReady: 6, ttlSeconds: 600 })).then([updated({ minReady: 4, maxReady: 6, ttlSeconds: 600 }, 1)]);
  });

  it('is not deleted directly (its prespawn_count goes to 0 instead)', () => {
    given(templateDecider, [defaultCreated]).when({ type: 'DeleteTemplate', at: later }).thenRejected('INVALID_STATE');
    given(templateDecider, [defaultCreated, paused]).when({ type: 'DeleteTemplate', at: later }).thenRejected('INVALID_STATE');
  });
});

describe('template decider: pause, resume, degraded, delete', () => {
  const pause: TemplateCommand = { type: 'PauseTemplate', at: later };
  const resume: TemplateCommand = { type: 'ResumeTemplate', at: later };
  const degrade: TemplateCommand = { type: 'RecordTemplateDegraded', reason: 'image node:22 not found', at: later };
  const recover: TemplateCommand = { type: 'RecordTemplateRecovered', at: later };
  const remove: TemplateCommand = { type: 'DeleteTemplate', at: later };

  it('pauses and resumes, recording only a real change', () => {
    given(templateDecider, [created]).when(pause).then([paused]);
    given(templateDecider, [created, paused]).when(pause).then([]);
    given(templateDecider, [created, paused]).thenState(stateOf({ status: 'paused', updatedAt: later }));
    given(templateDecider, [created, paused]).when(resume).then([resumed]);
    given(templateDecider, [created]).when(resume).then([]);
    given(templateDecider, [created, paused, resumed]).thenState(stateOf({ updatedAt: later }));
  });

  it('turns degraded only from active, with the reason', () => {
    given(templateDecider, [created]).when(degrade).then([degraded]);
    given(templateDecider, [created, degraded]).thenState(stateOf({ status: 'degraded', degradedReason: 'image node:22 not found', updatedAt: later }));
    given(templateDecider, [created, paused]).when(degrade).then([]);
    given(templateDecider, [created, degraded]).when(degrade).then([]);
  });

  it('recovers only from degraded', () => {
    given(templateDecider, [created, degraded]).when(recover).then([recovered]);
    given(templateDecider, [created, degraded, recovered]).thenState(stateOf({ updatedAt: later }));
    given(templateDecider, [created]).when(recover).then([]);
    given(templateDecider, [created, paused]).when(recover).then([]);
  });

  it('a resume clears degraded', () => {
    given(templateDecider, [created, degraded]).when(resume).then([resumed]);
    given(templateDecider, [created, degraded, resumed]).thenState(stateOf({ updatedAt: later }));
  });

  it('an update clears degraded (the template is tried again), but does not resume a paused one', () => {
    given(templateDecider, [created, degraded]).when(update({ containerImage: 'node:24' })).then([updated({ containerImage: 'node:24' }, 2)]);
    given(templateDecider, [created, degraded, updated({ containerImage: 'node:24' }, 2)]).thenState(
      stateOf({ settings: { ...settings, containerImage: 'node:24' }, generation: 2, updatedAt: later }),
    );
    given(templateDecider, [created, paused, updated({ minReady: 1 }, 1)]).thenState(stateOf({ status: 'paused', settings: { ...settings, minReady: 1 }, updatedAt: later }));
  });

  it('deletes a template of its own, from any status', () => {
    given(templateDecider, [created]).when(remove).then([deleted]);
    given(templateDecider, [created, paused]).when(remove).then([deleted]);
    given(templateDecider, [created, degraded]).when(remove).then([deleted]);
    given(templateDecider, [created, deleted]).thenState(stateOf({ status: 'deleted', updatedAt: later }));
  });

  it('a deleted or unknown template refuses everything with TEMPLATE_NOT_FOUND', () => {
    for (const command of [update({ name: 'x' }), pause, resume, remove, degrade, recover]) {
      given(templateDecider, [created, deleted]).when(command).thenRejected('TEMPLATE_NOT_FOUND');
      given(templateDecider, []).when(command).thenRejected('TEMPLATE_NOT_FOUND');
    }
  });
});
