export * from './realms';
