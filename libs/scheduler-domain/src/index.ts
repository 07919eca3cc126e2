export * from './container';
export * from './server';
export * from './join-token';
