export * from './decider';
export { given } from './given-when-then';
export * from './name-reservation';
