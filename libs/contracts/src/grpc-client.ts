import { type CallOptions, type ChannelCredentials, type ChannelOptions, Client, credentials, Metadata } from '@grpc/grpc-js';

/** One method of a generated `<Svc>Service` definition (ts-proto `outputServices=grpc-js`). */
interface MethodDefinitionLike {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize: (value: never) => Buffer;
  responseDeserialize: (bytes: Buffer) => unknown;
}

type ServiceDefinitionLike = Record<string, MethodDefinitionLike>;

type UnaryMethod<M> = M extends {
  requestStream: false;
  responseStream: false;
  requestSerialize: (value: infer Req) => Buffer;
  responseDeserialize: (bytes: Buffer) => infer Res;
}
  ? (request: Req, metadata?: Metadata, options?: CallOptions) => Promise<Res>
  : never;

/**
 * A promise-based client for the unary methods of a generated service definition. Methods carry the
 * definition's (lower camel case) names; `$client` is the underlying @grpc/grpc-js Client.
 */
export type GrpcPromiseClient<D> = { [K in keyof D]: UnaryMethod<D[K]> } & {
  readonly $client: Client;
  $close(): void;
};

export interface GrpcClientOptions {
  /** Default: insecure (plain HTTP/2). */
  credentials?: ChannelCredentials;
  channelOptions?: ChannelOptions;
}

/**
 * Creates a plain @grpc/grpc-js client from a generated service definition, e.g.
 * `createGrpcClient(auth.TokenServiceService, '127.0.0.1:50051')`. Messages are encoded and decoded
 * by the generated code: no .proto loading at run time.
 */
export function createGrpcClient<D extends ServiceDefinitionLike>(
  definition: D,
  address: string,
  options: GrpcClientOptions = {},
): GrpcPromiseClient<D> {
  const client = new Client(address, options.credentials ?? credentials.createInsecure(), options.channelOptions);
  const out: Record<string, unknown> = { $client: client, $close: () => client.close() };
  for (const [name, method] of Object.entries(definition)) {
    if (method.requestStream || method.responseStream) continue; // streaming: not covered yet
    out[name] = (request: unknown, metadata: Metadata = new Metadata(), callOptions: CallOptions = {}) =>
      new Promise((resolvePromise, reject) => {
        client.makeUnaryRequest(
          method.path,
          method.requestSerialize as (value: unknown) => Buffer,
          method.responseDeserialize,
          request,
          metadata,
          callOptions,
          (error, response) => (error ? reject(error) : resolvePromise(response)),
        );
      });
  }
  return out as GrpcPromiseClient<D>;
}
