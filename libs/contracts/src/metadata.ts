import type { Metadata } from '@grpc/grpc-js';
import { Principal } from './generated/hoody/common/v1/common';

/** Call metadata key of the calling principal (a binary encoded hoody.common.v1.Principal). */
export const PRINCIPAL_METADATA_KEY = 'hoody-principal-bin';

/** Trailing metadata key of the REST machine error code (`INVALID_TOKEN`, `NAME_TAKEN`, ...). */
export const ERROR_CODE_METADATA_KEY = 'hoody-error-code';

/** Puts the principal into call metadata (replacing any there). */
export function setPrincipal(metadata: Metadata, principal: Principal): Metadata {
  metadata.set(PRINCIPAL_METADATA_KEY, Buffer.from(Principal.encode(principal).finish()));
  return metadata;
}

/** The principal of a call, or undefined when the metadata carries none. */
export function getPrincipal(metadata: Metadata | undefined): Principal | undefined {
  const [value] = metadata?.get(PRINCIPAL_METADATA_KEY) ?? [];
  return value instanceof Buffer ? Principal.decode(value) : undefined;
}
