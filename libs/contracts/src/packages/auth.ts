// hoody.auth.v1: the auth service's API.
export * from '../generated/hoody/auth/v1/tokens';
export * from '../generated/hoody/auth/v1/projects';
export * from '../generated/hoody/auth/v1/users';
export * from '../generated/hoody/auth/v1/pools';
export * from '../generated/hoody/auth/v1/audit';
