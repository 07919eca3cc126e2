import { Server, ServerCredentials } from '@grpc/grpc-js';
import { type GrpcOptions, ServerGrpc } from '@nestjs/microservices';

/**
 * Nest's gRPC transport (@grpc/grpc-js underneath) that remembers the port it bound. Nest binds
 * `host:0` fine (grpc-js picks a free port) but drops the port it got; this subclass binds the same
 * way (same channel options) and keeps it, so port 0 needs no "find a free port first" race.
 */
export class PortReportingGrpcServer extends ServerGrpc {
  private boundPort: number | undefined;

  constructor(private readonly grpcOptions: GrpcOptions['options']) {
    super(grpcOptions);
  }

  /** The bound port, once the microservice listens. */
  get port(): number {
    if (this.boundPort === undefined) throw new Error('the gRPC server is not listening');
    return this.boundPort;
  }

  override async createClient(): Promise<Server> {
    const o = this.grpcOptions;
    const server = new Server({
      ...o.channelOptions,
      ...(o.maxSendMessageLength ? { 'grpc.max_send_message_length': o.maxSendMessageLength } : {}),
      ...(o.maxReceiveMessageLength ? { 'grpc.max_receive_message_length': o.maxReceiveMessageLength } : {}),
      ...(o.maxMetadataSize ? { 'grpc.max_metadata_size': o.maxMetadataSize } : {}),
      ...this.getKeepaliveOptions(),
    });
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(this.url, o.credentials ?? ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(new Error(`gRPC server cannot bind ${this.url}: ${error.message}`, { cause: error })) : resolve(port),
      ),
    );
    return server;
  }

  override async close(): Promise<void> {
    await super.close();
    this.boundPort = undefined;
  }
}
