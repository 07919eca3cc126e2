import { createHash } from 'node:crypto';

/** Stream ids of the aggregates the scheduler owns. */
export const streams = {
  server: (id: string) => `server-${id}`,
  container: (id: string) => `container-${id}`,
  joinToken: (id: string) => `jointoken-${id}`,
  template: (id: string) => `template-${id}`,
  /** Server names are unique platform-wide (one NATS subject token each). */
  serverName: (name: string) => `name-servername_${digest(name.toLowerCase())}`,
  /** Container names are unique per project, case-insensitively. */
  containerName: (projectId: string, name: string) => `name-containername_${digest(`${projectId}\n${name.toLowerCase()}`)}`,
};

/**
 * What the scheduler's read model follows: its own servers, containers and prespawn templates, and the auth service's
 * users, projects (who owns a project, its `max_containers`, whether it was deleted) and server pools
 * (who may place containers on a pool's servers, within which limits).
 */
export const READ_MODEL_STREAM_PREFIXES = ['server-', 'container-', 'template-', 'user-', 'project-', 'pool-'];

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 40);
}
