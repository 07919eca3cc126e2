import { fold, given } from '@hoody/decider';
import {
  CONTAINER_OPERATIONS,
  CONTAINER_STATUSES,
  containerDecider,
  isWarm,
  MISSING_REASON,
  OPERATION_RULES,
  operationCommand,
  warmName,
  type ContainerEvent,
  type ContainerSettings,
  type ContainerSpec,
  type ContainerState,
  type ContainerStatus,
} from './container';

const at = '2026-11-29T10:00:00.000Z';
const later = '2026-11-29T10:05:00.000Z';
const user = 'user:aaaaaaaaaaaaaaaaaaaaaaaa';
const settings: ContainerSettings = { name: 'web', color: null, autostart: true, environmentVars: { A: '1' }, comment: null, realmIds: [] };
const spec: ContainerSpec = { containerImage: '', hoodyKit: true, devKit: false, ramdisk: false, prespawn: false, bypassPrespawn: false, cpu: 0, memory: 0 };
const ids = { containerId: 'c0c0c0c0c0c0c0c0c0c0c0c0', projectId: 'b0b0b0b0b0b0b0b0b0b0b0b0', serverId: 'a0a0a0a0a0a0a0a0a0a0a0a0' };
const t = (from: ContainerStatus | null, to: ContainerStatus, triggeredBy = user, when = at) => ({ from, to, triggeredBy, at: when });

const requested: ContainerEvent = { type: 'ContainerRequested', data: { ...ids, settings, spec, transition: t(null, 'creating') } };
const provisioned: ContainerEvent = { type: 'ContainerProvisioned', data: { dockerId: 'd1', transition: t('creating', 'running', 'system:provisioner') } };

/** A history that leaves the container in `status` (through the events that lead there). */
function historyTo(status: ContainerStatus): ContainerEvent[] {
  const running = [requested, provisioned];
  switch (status) {
    case 'creating':
      return [requested];
    case 'running':
      return running;
    case 'paused':
      return [...running, { type: 'ContainerPaused', data: { transition: t('running', 'paused') } }];
    case 'stopped':
      return [...running, { type: 'ContainerStopped', data: { transition: t('running', 'stopped') } }];
    case 'failed':
      return [requested, { type: 'ContainerProvisioningFailed', data: { reason: 'image not found', transition: t('creating', 'failed', 'system:provisioner') } }];
    case 'deleting':
      return [...running, { type: 'ContainerDeletionRequested', data: { transition: t('running', 'deleting') } }];
    case 'deleted':
      return [...historyTo('deleting'), { type: 'ContainerDeleted', data: { transition: t('deleting', 'deleted', 'system:provisioner') } }];
    case 'copying':
    case 'claiming':
      return []; // not reachable yet
  }
}

const REACHABLE: ContainerStatus[] = CONTAINER_STATUSES.filter((s) => historyTo(s).length > 0);

describe('container decider: creation and provisioning', () => {
  it('requests a container in status creating, with every field of the create body', () => {
    given(containerDecider, [])
      .when({ type: 'RequestContainer', ...ids, settings, spec, triggeredBy: user, at })
      .then([requested]);
  });

  it('refuses a second request, a bad name, bad variable names and negative limits', () => {
    given(containerDecider, [requested]).when({ type: 'RequestContainer', ...ids, settings, spec, triggeredBy: user, at }).thenRejected('CONTAINER_EXISTS');
    for (const name of ['ab', 'has space', 'x'.repeat(101), 'dot.ted']) {
      given(containerDecider, []).when({ type: 'RequestContainer', ...ids, settings: { ...settings, name }, spec, triggeredBy: user, at }).thenRejected('VALIDATION_FAILED');
    }
    given(containerDecider, [])
      .when({ type: 'RequestContainer', ...ids, settings: { ...settings, environmentVars: { '1X': 'y' } }, spec, triggeredBy: user, at })
      .thenRejected('VALIDATION_FAILED');
    given(containerDecider, []).when({ type: 'RequestContainer', ...ids, settings, spec: { ...spec, cpu: -1 }, triggeredBy: user, at }).thenRejected('VALIDATION_FAILED');
  });

  it('records the agent having created it (running, or whatever the engine shows) and a failed provisioning', () => {
    given(containerDecider, [requested]).when({ type: 'RecordContainerProvisioned', dockerId: 'd1', observed: 'running', triggeredBy: 'system:provisioner', at }).then([provisioned]);
    given(containerDecider, [requested])
      .when({ type: 'RecordProvisioningFailed', reason: 'image x not found', triggeredBy: 'system:provisioner', at })
      .then([{ type: 'ContainerProvisioningFailed', data: { reason: 'image x not found', transition: t('creating', 'failed', 'system:provisioner') } }]);
  });

  it('records a provisioning outcome only while creating (a late or repeated outcome changes nothing)', () => {
    given(containerDecider, [requested, provisioned]).when({ type: 'RecordContainerProvisioned', dockerId: 'd1', observed: 'running', triggeredBy: 'system:provisioner', at }).then([]);
    given(containerDecider, [requested, provisioned]).when({ type: 'RecordProvisioningFailed', reason: 'x', triggeredBy: 'system:provisioner', at }).then([]);
  });

  it('folds into a record with the Docker id, status and times', () => {
    given(containerDecider, [requested, { ...provisioned, data: { ...provisioned.data, transition: t('creating', 'running', 'system:provisioner', later) } }]).thenState({
      status: 'running',
      container: { ...ids, settings, spec, dockerId: 'd1', statusReason: null, exitCode: null, statusChangedAt: later, createdAt: at, updatedAt: later, prespawn: null },
    });
  });
});

describe('container decider: operations', () => {
  // Every operation from every status: allowed exactly from the rule's statuses, INVALID_STATE otherwise.
  for (const operation of CONTAINER_OPERATIONS) {
    const rule = OPERATION_RULES[operation];
    for (const status of REACHABLE) {
      const expected = status === 'deleted' ? 'CONTAINER_NOT_FOUND' : rule.from.includes(status) ? rule.event : 'INVALID_STATE';
      it(`${operation} from ${status} → ${expected}`, () => {
        const when = given(containerDecider, historyTo(status)).when(operationCommand(operation, user, later));
        if (expected === rule.event) when.then([{ type: rule.event, data: { transition: t(status, rule.to, user, later) } } as ContainerEvent]);
        else when.thenRejected(expected);
      });
    }
  }

  it('pause freezes a running container, resume thaws it; stop and force-stop also stop a paused one', () => {
    expect(OPERATION_RULES.pause).toMatchObject({ from: ['running'], to: 'paused' });
    expect(OPERATION_RULES.resume).toMatchObject({ from: ['paused'], to: 'running' });
    expect(OPERATION_RULES.stop.from).toEqual(['running', 'paused']);
    expect(OPERATION_RULES['force-stop'].from).toEqual(['running', 'paused']);
    expect(OPERATION_RULES.restart.from).toEqual(['running', 'stopped']);
    expect(OPERATION_RULES.start.from).toEqual(['stopped']);
  });

  it('refuses operations on an unknown container', () => {
    given(containerDecider, []).when(operationCommand('start', user, at)).thenRejected('CONTAINER_NOT_FOUND');
  });
});

describe('container decider: what the engine shows', () => {
  const exited = (from: ContainerStatus): ContainerEvent => ({ type: 'ContainerExited', data: { exitCode: 0, transition: t(from, 'stopped', 'system:runtime') } });

  it('a main process that exits stops a running or paused container, keeping the exit code', () => {
    given(containerDecider, historyTo('running')).when({ type: 'RecordContainerExited', exitCode: 0, triggeredBy: 'system:runtime', at }).then([exited('running')]);
    given(containerDecider, historyTo('paused')).when({ type: 'RecordContainerExited', exitCode: 0, triggeredBy: 'system:runtime', at }).then([exited('paused')]);
    given(containerDecider, [...historyTo('running'), { type: 'ContainerExited', data: { exitCode: 3, transition: t('running', 'stopped', 'system:runtime') } }]).thenState({
      status: 'stopped',
      container: { ...ids, settings, spec, dockerId: 'd1', statusReason: null, exitCode: 3, statusChangedAt: at, createdAt: at, updatedAt: at, prespawn: null },
    });
  });

  it('an exit in any other status records nothing (a stop the platform asked for already said so)', () => {
    for (const status of REACHABLE.filter((s) => s !== 'running' && s !== 'paused')) {
      given(containerDecider, historyTo(status)).when({ type: 'RecordContainerExited', exitCode: 1, triggeredBy: 'system:runtime', at }).then([]);
    }
    given(containerDecider, []).when({ type: 'RecordContainerExited', exitCode: 1, triggeredBy: 'system:runtime', at }).then([]);
  });

  it('a container removed behind the platform\'s back turns failed, with the missing reason', () => {
    for (const status of ['running', 'paused', 'stopped'] as const) {
      given(containerDecider, historyTo(status))
        .when({ type: 'RecordContainerMissing', triggeredBy: 'system:reconciler', at })
        .then([{ type: 'ContainerMissing', data: { reason: MISSING_REASON, transition: t(status, 'failed', 'system:reconciler') } }]);
    }
    for (const status of ['creating', 'failed', 'deleting', 'deleted'] as const) {
      given(containerDecider, historyTo(status)).when({ type: 'RecordContainerMissing', triggeredBy: 'system:reconciler', at }).then([]);
    }
  });

  it('records a status the engine shows that differs from the platform\'s (started or paused outside the platform, or back after missing)', () => {
    given(containerDecider, historyTo('stopped'))
      .when({ type: 'RecordContainerObserved', observed: 'running', dockerId: 'd1', triggeredBy: 'system:reconciler', at })
      .then([{ type: 'ContainerStatusObserved', data: { dockerId: 'd1', transition: t('stopped', 'running', 'system:reconciler') } }]);
    given(containerDecider, historyTo('running'))
      .when({ type: 'RecordContainerObserved', observed: 'paused', dockerId: 'd1', triggeredBy: 'system:reconciler', at })
      .then([{ type: 'ContainerStatusObserved', data: { dockerId: 'd1', transition: t('running', 'paused', 'system:reconciler') } }]);
    given(containerDecider, historyTo('running')).when({ type: 'RecordContainerObserved', observed: 'running', dockerId: 'd1', triggeredBy: 'system:reconciler', at }).then([]);
    const missing: ContainerEvent = { type: 'ContainerMissing', data: { reason: MISSING_REASON, transition: t('running', 'failed', 'system:reconciler') } };
    given(containerDecider, [...historyTo('running'), missing])
      .when({ type: 'RecordContainerObserved', observed: 'running', dockerId: 'd2', triggeredBy: 'system:reconciler', at })
      .then([{ type: 'ContainerStatusObserved', data: { dockerId: 'd2', transition: t('failed', 'running', 'system:reconciler') } }]);
    // a provisioning failure is not undone by what the engine shows; nor are creating and deleting
    for (const status of ['failed', 'creating', 'deleting'] as const) {
      given(containerDecider, historyTo(status)).when({ type: 'RecordContainerObserved', observed: 'running', dockerId: 'd1', triggeredBy: 'system:reconciler', at }).then([]);
    }
  });
});

describe('container decider: update and delete', () => {
  it('records only what changed', () => {
    given(containerDecider, historyTo('running'))
      .when({ type: 'UpdateContainer', changes: { name: 'web', comment: 'hi', environmentVars: { A: '1' }, realmIds: ['0123456789abcdef01234567'] }, at: later })
      .then([{ type: 'ContainerUpdated', data: { changes: { comment: 'hi', realmIds: ['0123456789abcdef01234567'] }, updatedAt: later } }]);
    given(containerDecider, historyTo('running')).when({ type: 'UpdateContainer', changes: { name: 'web', color: null }, at }).then([]);
    given(containerDecider, historyTo('stopped')).when({ type: 'UpdateContainer', changes: { name: 'x' }, at }).thenRejected('VALIDATION_FAILED');
    given(containerDecider, historyTo('stopped')).when({ type: 'UpdateContainer', changes: { realmIds: ['nope'] }, at }).thenRejected('VALIDATION_FAILED');
    given(containerDecider, historyTo('deleting')).when({ type: 'UpdateContainer', changes: { comment: 'x' }, at }).thenRejected('INVALID_STATE');
    given(containerDecider, historyTo('deleted')).when({ type: 'UpdateContainer', changes: { comment: 'x' }, at }).thenRejected('CONTAINER_NOT_FOUND');
  });

  it('deletes through deleting to deleted, from every settled status', () => {
    for (const status of ['running', 'paused', 'stopped', 'failed'] as const) {
      given(containerDecider, historyTo(status))
        .when({ type: 'DeleteContainer', triggeredBy: user, at })
        .then([{ type: 'ContainerDeletionRequested', data: { transition: t(status, 'deleting') } }]);
    }
    given(containerDecider, historyTo('deleting')).when({ type: 'DeleteContainer', triggeredBy: user, at }).then([]);
    given(containerDecider, historyTo('creating')).when({ type: 'DeleteContainer', triggeredBy: user, at }).thenRejected('INVALID_STATE');
    given(containerDecider, historyTo('deleted')).when({ type: 'DeleteContainer', triggeredBy: user, at }).thenRejected('CONTAINER_NOT_FOUND');
    given(containerDecider, historyTo('deleting'))
      .when({ type: 'RecordContainerDeleted', triggeredBy: 'system:provisioner', at })
      .then([{ type: 'ContainerDeleted', data: { transition: t('deleting', 'deleted', 'system:provisioner') } }]);
    given(containerDecider, historyTo('running')).when({ type: 'RecordContainerDeleted', triggeredBy: 'system:provisioner', at }).thenRejected('INVALID_STATE');
    given(containerDecider, historyTo('deleted')).when({ type: 'RecordContainerDeleted', triggeredBy: 'system:provisioner', at }).then([]);
  });
});

describe('container decider: warm containers (prespawn)', () => {
  const prespawner = 'system:prespawn';
  const templateId = 'e0e0e0e0e0e0e0e0e0e0e0e0';
  const warmSpec: ContainerSpec = { ...spec, containerImage: 'node:22', prespawn: true };
  const warmSettings: ContainerSettings = { name: 'warm-c0c0c0c0c0c0c0c0c0c0c0c0', color: null, autostart: true, environmentVars: { NODE_ENV: 'production' }, comment: null, realmIds: [] };
  const requestWarm = {
    type: 'RequestWarmContainer' as const,
    containerId: ids.containerId,
    serverId: ids.serverId,
    templateId,
    generation: 3,
    spec: warmSpec,
    environmentVars: { NODE_ENV: 'production' },
    triggeredBy: prespawner,
    at,
  };
  const warmRequested: ContainerEvent = {
    type: 'WarmContainerRequested',
    data: { containerId: ids.containerId, serverId: ids.serverId, templateId, generation: 3, settings: warmSettings, spec: warmSpec, transition: t(null, 'creating', prespawner) },
  };
  const warmRunning: ContainerEvent[] = [warmRequested, provisioned];
  const claim = { type: 'ClaimContainer' as const, projectId: ids.projectId, settings, triggeredBy: user, at: later };
  const claimed: ContainerEvent = { type: 'ContainerClaimed', data: { projectId: ids.projectId, settings, claimedBy: user, claimedAt: later } };
  const retire = { type: 'RetireWarmContainer' as const, triggeredBy: prespawner, at: later };
  const retiring = (from: ContainerStatus): ContainerEvent => ({ type: 'ContainerDeletionRequested', data: { transition: t(from, 'deleting', prespawner, later) } });
  const warmStopped: ContainerEvent[] = [...warmRunning, { type: 'ContainerExited', data: { exitCode: 137, transition: t('running', 'stopped', 'system:runtime') } }];
  const warmFailed: ContainerEvent[] = [warmRequested, { type: 'ContainerProvisioningFailed', data: { reason: 'image not found', transition: t('creating', 'failed', 'system:provisioner') } }];
  const containerOf = (history: ContainerEvent[]) => {
    const state: ContainerState = fold(containerDecider, history);
    if (state.status === 'none') throw new Error('no container');
    return state.container;
  };

  it('requests a warm container in no project, named warm-<id>, for its template and generation', () => {
    expect(warmName(ids.containerId)).toBe('warm-c0c0c0c0c0c0c0c0c0c0c0c0');
    given(containerDecider, []).when(requestWarm).then([warmRequested]);
    given(containerDecider, [warmRequested]).thenState({
      status: 'creating',
      container: {
        containerId: ids.containerId, projectId: '', serverId: ids.serverId, settings: warmSettings, spec: warmSpec, dockerId: null, statusReason: null, exitCode: null,
        statusChangedAt: at, createdAt: at, updatedAt: at, prespawn: { templateId, generation: 3, claimedAt: null },
      },
    });
    expect(isWarm(containerOf(warmRunning))).toBe(true);
    expect(isWarm(containerOf(historyTo('running')))).toBe(false);
  });

  it('is not deleted or changed as the warm container the caller saw once it is claimed: to them it is gone', () => {
    const asWarm = { type: 'DeleteContainer' as const, triggeredBy: prespawner, at: later, asSeenIn: '' };
    given(containerDecider, [...warmRunning, claimed]).when(asWarm).thenRejected('CONTAINER_NOT_FOUND');
    given(containerDecider, [...warmRunning, claimed]).when({ type: 'UpdateContainer', changes: { comment: 'mine' }, at: later, asSeenIn: '' }).thenRejected('CONTAINER_NOT_FOUND');
    given(containerDecider, warmRunning).when(asWarm).then([retiring('running')]);
    given(containerDecider, [...warmRunning, claimed]).when({ ...asWarm, asSeenIn: ids.projectId }).then([retiring('running')]);
  });

  it('refuses a warm request for an existing id or with a bad variable name', () => {
    given(containerDecider, [requested]).when(requestWarm).thenRejected('CONTAINER_EXISTS');
    given(containerDecider, [warmRequested]).when(requestWarm).thenRejected('CONTAINER_EXISTS');
    given(containerDecider, []).when({ ...requestWarm, environmentVars: { '1X': 'y' } }).thenRejected('VALIDATION_FAILED');
  });

  it('is claimed once running: it joins the project with the caller\'s settings and stays running', () => {
    given(containerDecider, warmRunning).when(claim).then([claimed]);
    given(containerDecider, [...warmRunning, claimed]).thenState({
      status: 'running',
      container: {
        ...ids, settings, spec: warmSpec, dockerId: 'd1', statusReason: null, exitCode: null,
        statusChangedAt: at, createdAt: later, updatedAt: later, prespawn: { templateId, generation: 3, claimedAt: later },
      },
    });
    expect(isWarm(containerOf([...warmRunning, claimed]))).toBe(false);
  });

  it('refuses a second claim with PRESPAWN_UNAVAILABLE', () => {
    given(containerDecider, [...warmRunning, claimed]).when({ ...claim, projectId: 'b1b1b1b1b1b1b1b1b1b1b1b1' }).thenRejected('PRESPAWN_UNAVAILABLE');
  });

  it('refuses to claim a warm container that is not running (creating, stopped, failed, paused, being retired)', () => {
    const warmPaused: ContainerEvent[] = [...warmRunning, { type: 'ContainerPaused', data: { transition: t('running', 'paused') } }];
    for (const history of [[warmRequested], warmStopped, warmFailed, warmPaused, [...warmRunning, retiring('running')]]) {
      given(containerDecider, history).when(claim).thenRejected('PRESPAWN_UNAVAILABLE');
    }
  });

  it('refuses to claim an ordinary container, or with bad settings', () => {
    given(containerDecider, historyTo('running')).when(claim).thenRejected('PRESPAWN_UNAVAILABLE');
    given(containerDecider, warmRunning).when({ ...claim, settings: { ...settings, name: 'x' } }).thenRejected('VALIDATION_FAILED');
  });

  it('retires an unclaimed warm container through deleting', () => {
    given(containerDecider, warmRunning).when(retire).then([retiring('running')]);
    given(containerDecider, warmStopped).when(retire).then([retiring('stopped')]);
    given(containerDecider, warmFailed).when(retire).then([retiring('failed')]);
  });

  it('retires nothing that is not (or no longer) warm and waiting: claimed, ordinary, being deleted, deleted, unknown', () => {
    given(containerDecider, [...warmRunning, claimed]).when(retire).then([]);
    given(containerDecider, historyTo('running')).when(retire).then([]);
    given(containerDecider, [...warmRunning, retiring('running')]).when(retire).then([]);
    const deleted: ContainerEvent = { type: 'ContainerDeleted', data: { transition: t('deleting', 'deleted', 'system:provisioner') } };
    given(containerDecider, [...warmRunning, retiring('running'), deleted]).when(retire).then([]);
    given(containerDecider, []).when(retire).then([]);
  });
});
