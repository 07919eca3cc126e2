import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthCommands } from './commands/auth-commands';
import type { AuthQueries } from './read-model/auth-queries';

export interface AdminInfo {
  userId: string;
  username: string;
  defaultProjectId: string;
}

/**
 * On the first start of a platform: the admin user, its default project and a first token, whose
 * secret goes to `$HOODY_HOME/admin-token` (readable by the owner only). Later starts find the
 * admin and change nothing.
 */
export async function ensureAdmin(home: string, commands: AuthCommands, queries: AuthQueries): Promise<AdminInfo> {
  let admin = queries.anyAdmin();
  if (!admin) {
    const created = await commands.createUser({ username: 'admin', isAdmin: true }, { principal: 'system' });
    writeFileSync(join(home, 'admin-token'), `${created.token.secret}\n`, { mode: 0o600 });
    admin = queries.userById(created.userId);
  }
  if (!admin?.defaultProjectId) throw new Error('the admin user has no default project');
  const info = { userId: admin.id, username: admin.username, defaultProjectId: admin.defaultProjectId };
  writeFileSync(join(home, 'admin.json'), `${JSON.stringify(info, null, 2)}\n`);
  return info;
}
