import { status } from '@grpc/grpc-js';
import type { Metadata } from '@grpc/grpc-js';
import { ERROR_CODE_METADATA_KEY } from '@hoody/contracts';
import {
  ContainerNotFoundError,
  ContainerStartError,
  ContainerStateError,
  ExecTimeoutError,
  ImageNotFoundError,
  InvalidContainerSpecError,
  InvalidIdError,
} from '@hoody/runtime';
import { toRpcException } from './runtime-errors.filter';

const mapped = (error: unknown) => {
  const e = toRpcException(error).getError() as { code: status; message: string; metadata: Metadata };
  return [e.code, e.metadata.get(ERROR_CODE_METADATA_KEY)[0], e.message];
};

describe('toRpcException', () => {
  it('maps each runtime error to a gRPC status and the REST machine code', () => {
    const id = 'aaaaaaaaaaaaaaaaaaaaaaaa';
    expect(mapped(new ContainerNotFoundError(id))).toEqual([status.NOT_FOUND, 'CONTAINER_NOT_FOUND', `container ${id} not found on this engine`]);
    expect(mapped(new ContainerStateError(id, 'stopped', 'is stopped'))).toEqual([status.FAILED_PRECONDITION, 'INVALID_STATE', 'is stopped']);
    expect(mapped(new InvalidIdError('containerId', 'x'))[0]).toBe(status.INVALID_ARGUMENT);
    expect(mapped(new InvalidIdError('containerId', 'x'))[1]).toBe('INVALID_ID_FORMAT');
    expect(mapped(new InvalidContainerSpecError('cpu', 'bad')).slice(0, 2)).toEqual([status.INVALID_ARGUMENT, 'VALIDATION_FAILED']);
    expect(mapped(new ImageNotFoundError('x:1')).slice(0, 2)).toEqual([status.FAILED_PRECONDITION, 'IMAGE_NOT_FOUND']);
    expect(mapped(new ContainerStartError(id, 'no such binary')).slice(0, 2)).toEqual([status.FAILED_PRECONDITION, 'CONTAINER_START_FAILED']);
    expect(mapped(new ExecTimeoutError(['sleep', '9'], 100)).slice(0, 2)).toEqual([status.DEADLINE_EXCEEDED, 'EXEC_TIMEOUT']);
  });

  it('reports an engine that does not answer as UNAVAILABLE, anything else as INTERNAL', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' });
    expect(mapped(refused).slice(0, 2)).toEqual([status.UNAVAILABLE, 'SERVICE_UNAVAILABLE']);
    expect(mapped(new Error('boom'))).toEqual([status.INTERNAL, 'INTERNAL_ERROR', 'boom']);
  });
});
