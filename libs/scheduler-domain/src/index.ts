export * from './container';
export * from './server';
export * from './join-token';
export * from './template';
export * from './prespawn-pool';
export * from './member-limits';
