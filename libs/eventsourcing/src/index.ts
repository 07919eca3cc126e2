export * from './command-handler';
export * from './projection-runner';
