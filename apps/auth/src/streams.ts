import { createHash } from 'node:crypto';

/** Stream ids of the aggregates the auth service owns. */
export const streams = {
  user: (id: string) => `user-${id}`,
  token: (id: string) => `token-${id}`,
  project: (id: string) => `project-${id}`,
  pool: (id: string) => `pool-${id}`,
  /** Usernames are unique platform-wide. */
  username: (username: string) => `name-username_${digest(username.toLowerCase())}`,
  /** Project aliases are unique per owner. */
  projectAlias: (userId: string, alias: string) => `name-projectalias_${digest(`${userId}\n${alias.toLowerCase()}`)}`,
};

export const AUTH_STREAM_PREFIXES = ['user-', 'token-', 'project-', 'pool-'];

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 40);
}
