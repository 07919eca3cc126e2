export * from './nats-connection';
export * from './event-feed';
export * from './event-feed-relay';
export * from './read-model-changes';
