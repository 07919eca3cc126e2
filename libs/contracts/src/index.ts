// Generated gRPC contracts (from proto/, see buf.gen.yaml), one namespace per proto package:
//   auth.TokenServiceController, auth.TokenServiceControllerMethods, auth.TokenServiceService, ...
export * as common from './packages/common';
export * as auth from './packages/auth';
export * as scheduler from './packages/scheduler';
export * as agent from './packages/agent';
export * as history from './packages/history';
export { Timestamp } from './generated/google/protobuf/timestamp';

export { PROTO_ROOT, PROTO_PACKAGES, PROTO_SERVICES, type ProtoService, protoFiles, allProtoFiles } from './proto-files';
export { PROTO_LOADER_OPTIONS, loadProtoPackageDefinition } from './proto-loader';
export { createGrpcClient, type GrpcPromiseClient, type GrpcClientOptions } from './grpc-client';
export { PRINCIPAL_METADATA_KEY, ERROR_CODE_METADATA_KEY, setPrincipal, getPrincipal } from './metadata';
export { timestampFromDate, dateFromTimestamp } from './timestamp';
