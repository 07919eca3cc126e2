export * from './command-handler';
export * from './projection-runner';
export * from './statement-cache';
export * from './name-reservations';
export * from './read-model-database';
