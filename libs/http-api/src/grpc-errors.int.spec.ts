import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  Server,
  ServerCredentials,
  type ServiceError,
  status,
  type sendUnaryData,
  type ServerUnaryCall,
} from '@grpc/grpc-js';
import { ERROR_CODE_METADATA_KEY } from '@hoody/contracts';
import { apiErrorFromGrpc, isGrpcServiceError, toApiError } from './index';

// Real gRPC calls over a socket: the machine code travels in the trailing metadata of a failed call.

const identity = (b: Buffer) => b;
const service = {
  fail: {
    path: '/hoody.test.v1.Test/Fail',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

/** The request names the failure: `<grpc status>:<machine code or empty>:<details>`. */
function fail(call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void {
  const [code, machineCode, details] = call.request.toString('utf8').split(':');
  const metadata = new Metadata();
  if (machineCode) metadata.set(ERROR_CODE_METADATA_KEY, machineCode);
  callback({ code: Number(code), details, metadata });
}

const Client = makeGenericClientConstructor(service, 'Test');
let server: Server;
let client: InstanceType<typeof Client>;

beforeAll(async () => {
  server = new Server();
  server.addService(service, { fail });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
  );
  client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
});

afterAll(() => {
  client?.close();
  server?.forceShutdown();
});

function callFail(c: InstanceType<typeof Client>, request: string): Promise<ServiceError> {
  return new Promise((resolve, reject) => {
    c.makeUnaryRequest(service.fail.path, identity, identity, Buffer.from(request), new Metadata(), { deadline: Date.now() + 5000 }, (error) =>
      error ? resolve(error) : reject(new Error('expected a failure')),
    );
  });
}

it('reads the machine code from the trailers of a real call', async () => {
  const error = await callFail(client, `${status.FAILED_PRECONDITION}:NAME_TAKEN:A container named web already exists`);
  expect(isGrpcServiceError(error)).toBe(true);
  expect(apiErrorFromGrpc(error).toBody()).toEqual({
    statusCode: 409,
    error: 'NAME_TAKEN',
    message: 'A container named web already exists',
  });
});

it('falls back to the status when there is no code', async () => {
  const error = await callFail(client, `${status.NOT_FOUND}::Project not found`);
  expect(toApiError(error).toBody()).toEqual({ statusCode: 404, error: 'NOT_FOUND', message: 'Project not found' });
});

it('answers a service nobody listens on with 503, naming no address', async () => {
  const dead = new Client('127.0.0.1:1', credentials.createInsecure());
  const error = await callFail(dead, '');
  dead.close();
  expect(error.code).toBe(status.UNAVAILABLE);
  expect(toApiError(error, { service: 'auth' }).toBody()).toEqual({
    statusCode: 503,
    error: 'SERVICE_UNAVAILABLE',
    message: 'The auth service is unavailable; try again shortly',
  });
});
