export * from './user';
export * from './token';
export * from './project';
export * from './pool';
