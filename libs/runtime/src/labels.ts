/** Labels the runtime puts on every container it creates: the platform ids, never the Docker id. */
export const MANAGED_LABEL = 'hoody.managed';
export const CONTAINER_ID_LABEL = 'hoody.container_id';
export const PROJECT_ID_LABEL = 'hoody.project_id';
/** The container's platform name. */
export const NAME_LABEL = 'hoody.name';
/** `true` when the container has the Hoody Kit mounts. */
export const KIT_LABEL = 'hoody.kit';
