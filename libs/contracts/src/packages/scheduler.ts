// hoody.scheduler.v1: the scheduler's API.
export * from '../generated/hoody/scheduler/v1/servers';
export * from '../generated/hoody/scheduler/v1/containers';
export * from '../generated/hoody/scheduler/v1/prespawn';
