import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';
import { allProtoFiles, PROTO_ROOT } from './proto-files';

/**
 * @grpc/proto-loader options under which the objects a handler receives have the shape of the
 * generated TypeScript types (ts-proto: camelCase keys, numeric enums, numbers for 64-bit integers,
 * Timestamp as `{ seconds, nanos }`, every scalar / repeated / map field present with its default,
 * unset `optional` and oneof fields absent).
 */
export const PROTO_LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: Number,
  defaults: true,
  arrays: true,
  objects: true,
  oneofs: false,
  includeDirs: [PROTO_ROOT],
};

/**
 * Loads .proto files (relative to PROTO_ROOT; default: all of them) into a grpc-js package
 * definition, e.g. NestJS's `packageDefinition` option. On top of PROTO_LOADER_OPTIONS, unset
 * message fields decode as `undefined` (protobufjs gives `null` with `defaults: true`), as the
 * generated types say.
 */
export function loadProtoPackageDefinition(files: string[] = allProtoFiles()): PackageDefinition {
  const definition = loadSync(files, PROTO_LOADER_OPTIONS);
  for (const entry of Object.values(definition)) {
    if ('format' in entry) continue; // a message or enum descriptor, not a service
    for (const method of Object.values(entry)) {
      const { requestDeserialize, responseDeserialize } = method;
      method.requestDeserialize = (bytes: Buffer) => nullsToUndefined(requestDeserialize(bytes));
      method.responseDeserialize = (bytes: Buffer) => nullsToUndefined(responseDeserialize(bytes));
    }
  }
  return definition;
}

function nullsToUndefined<T>(value: T): T {
  if (Array.isArray(value)) {
    value.forEach((item) => nullsToUndefined(item));
  } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (record[key] === null) record[key] = undefined;
      else nullsToUndefined(record[key]);
    }
  }
  return value;
}
