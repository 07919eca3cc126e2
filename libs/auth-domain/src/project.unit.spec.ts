import { given } from '@hoody/decider';
import { projectDecider, type ProjectEvent } from './project';

const at = '2026-11-29T10:00:00.000Z';
const settings = { alias: 'web', color: null, maxContainers: 5, realmIds: [] };
const created = (isDefault = false): ProjectEvent => ({
  type: 'ProjectCreated',
  data: { projectId: 'p1', userId: 'u1', isDefault, settings, createdAt: at },
});

describe('project decider', () => {
  it('creates, updates what changed, deletes', () => {
    given(projectDecider, []).when({ type: 'CreateProject', projectId: 'p1', userId: 'u1', isDefault: false, settings, at }).then([created()]);
    given(projectDecider, [created()])
      .when({ type: 'UpdateProject', changes: { alias: 'web', maxContainers: 10 }, at })
      .then([{ type: 'ProjectUpdated', data: { changes: { maxContainers: 10 }, updatedAt: at } }]);
    given(projectDecider, [created()]).when({ type: 'DeleteProject', at }).then([{ type: 'ProjectDeleted', data: { deletedAt: at } }]);
  });

  it('keeps the default project', () => {
    given(projectDecider, [created(true)]).when({ type: 'DeleteProject', at }).thenRejected('INVALID_STATE');
  });

  it('refuses commands on a deleted or unknown project', () => {
    const deleted: ProjectEvent = { type: 'ProjectDeleted', data: { deletedAt: at } };
    given(projectDecider, [created(), deleted]).when({ type: 'UpdateProject', changes: { alias: 'x' }, at }).thenRejected('PROJECT_NOT_FOUND');
    given(projectDecider, []).when({ type: 'DeleteProject', at }).thenRejected('PROJECT_NOT_FOUND');
    given(projectDecider, [created()]).when({ type: 'UpdateProject', changes: { maxContainers: -1 }, at }).thenRejected('VALIDATION_FAILED');
  });
});
