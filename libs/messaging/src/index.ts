export * from './nats-connection';
export * from './event-feed';
export * from './event-feed-relay';
