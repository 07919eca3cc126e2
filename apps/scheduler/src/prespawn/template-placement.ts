import type { TemplateRow, RequestedSpec } from '../read-model/prespawn-queries';
import type { ServerRow } from '../read-model/scheduler-queries';

/** Whether the template keeps a pool on the server: one of its servers, or a server of its pool. */
export function templateOn(template: TemplateRow, server: Pick<ServerRow, 'id' | 'poolId'>): boolean {
  const s = template.settings;
  return s.poolId !== null ? server.poolId === s.poolId : s.serverIds.includes(server.id);
}

/** Whether a create of `spec` on `server` by `userId` would be served from this template's pool. */
export function templateServes(template: TemplateRow, server: Pick<ServerRow, 'id' | 'poolId'>, spec: RequestedSpec, userId: string): boolean {
  const s = template.settings;
  const usable = template.ownerId === userId || template.defaultForServerId === server.id;
  return (
    usable &&
    !template.deleted &&
    templateOn(template, server) &&
    !spec.ramdisk &&
    s.containerImage === spec.containerImage &&
    s.hoodyKit === spec.hoodyKit &&
    s.devKit === spec.devKit &&
    s.cpu === spec.cpu &&
    s.memory === spec.memory
  );
}
