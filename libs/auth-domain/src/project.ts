import { CommandRejected, type Decider } from '@hoody/decider';

export interface ProjectSettings {
  alias: string;
  color: string | null;
  /** null: no limit. */
  maxContainers: number | null;
  realmIds: string[];
}

export type ProjectCommand =
  | { type: 'CreateProject'; projectId: string; userId: string; isDefault: boolean; settings: ProjectSettings; at: string }
  | { type: 'UpdateProject'; changes: Partial<ProjectSettings>; at: string }
  | { type: 'DeleteProject'; at: string };

export type ProjectEvent =
  | { type: 'ProjectCreated'; data: { projectId: string; userId: string; isDefault: boolean; settings: ProjectSettings; createdAt: string } }
  | { type: 'ProjectUpdated'; data: { changes: Partial<ProjectSettings>; updatedAt: string } }
  | { type: 'ProjectDeleted'; data: { deletedAt: string } };

export interface ProjectRecord {
  projectId: string;
  userId: string;
  isDefault: boolean;
  settings: ProjectSettings;
  createdAt: string;
  updatedAt: string;
}

export type ProjectState = { status: 'none' } | { status: 'active' | 'deleted'; project: ProjectRecord };

export const projectDecider: Decider<ProjectCommand, ProjectEvent, ProjectState> = {
  initialState: { status: 'none' },
  decide(command, state) {
    if (command.type === 'CreateProject') {
      if (state.status !== 'none') throw new CommandRejected('PROJECT_EXISTS', `project ${command.projectId} already exists`);
      const { type: _type, at, ...data } = command;
      return [{ type: 'ProjectCreated', data: { ...data, createdAt: at } }];
    }
    if (state.status !== 'active') throw new CommandRejected('PROJECT_NOT_FOUND', 'project not found');
    switch (command.type) {
      case 'UpdateProject': {
        const current = state.project.settings;
        const changes = Object.fromEntries(
          Object.entries(command.changes).filter(([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(current[k as keyof ProjectSettings])),
        ) as Partial<ProjectSettings>;
        if (changes.maxContainers !== undefined && changes.maxContainers !== null && changes.maxContainers < 0) {
          throw new CommandRejected('VALIDATION_FAILED', 'max_containers cannot be negative');
        }
        return Object.keys(changes).length === 0 ? [] : [{ type: 'ProjectUpdated', data: { changes, updatedAt: command.at } }];
      }
      case 'DeleteProject':
        if (state.project.isDefault) throw new CommandRejected('INVALID_STATE', 'the default project cannot be deleted');
        return [{ type: 'ProjectDeleted', data: { deletedAt: command.at } }];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'ProjectCreated': {
        const { createdAt, ...rest } = event.data;
        return { status: 'active', project: { ...rest, createdAt, updatedAt: createdAt } };
      }
      case 'ProjectUpdated':
        return state.status === 'none'
          ? state
          : { ...state, project: { ...state.project, settings: { ...state.project.settings, ...event.data.changes }, updatedAt: event.data.updatedAt } };
      case 'ProjectDeleted':
        return state.status === 'none' ? state : { status: 'deleted', project: { ...state.project, updatedAt: event.data.deletedAt } };
    }
  },
};
