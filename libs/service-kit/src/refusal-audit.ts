import { randomUUID } from 'node:crypto';
import { status, type Metadata } from '@grpc/grpc-js';
import { ERROR_CODE_METADATA_KEY, getPrincipal } from '@hoody/contracts';
import { CommandRejected } from '@hoody/decider';
import type { EventStore } from '@hoody/event-store';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import { eventMetadata } from './caller';

/** The audit stream of one service. */
export const auditStream = (service: string) => `audit-${service}`;

/** What an audit event says: who asked for what, and why it was refused. */
export interface RequestRefusedData {
  /** `<Service>/<method>`: `ContainerService/deleteContainer`. */
  operation: string;
  /** The machine code the caller got (`CONTAINER_NOT_FOUND`, `INSUFFICIENT_PERMISSIONS`, …). */
  code: string;
  message: string;
  userId: string;
  tokenId: string;
  /** The realm of the host the request came to, if any: the refusal is seen there. */
  realmIds: string[];
  /** The id the request named (`id`, `project_id`, `server_id`, `pool_id`), if any. */
  resourceId: string | null;
  at: string;
}

/** Reads are not audited; everything else a user asks for is. */
const READ = /^(get|list|authenticate|heartbeat)/;

/** A refusal is an answer about the request (not found, not allowed, invalid, conflicting), not a failure of the service. */
const REFUSALS = new Set<status>([status.NOT_FOUND, status.PERMISSION_DENIED, status.INVALID_ARGUMENT, status.FAILED_PRECONDITION, status.ALREADY_EXISTS, status.UNAUTHENTICATED]);

function refusalOf(error: unknown): { grpcStatus: status; code: string; message: string } | undefined {
  if (error instanceof CommandRejected) return { grpcStatus: status.FAILED_PRECONDITION, code: error.code, message: error.message };
  if (!(error instanceof RpcException)) return undefined;
  const detail = error.getError() as { code?: status; message?: string; metadata?: Metadata };
  const code = detail.metadata?.get(ERROR_CODE_METADATA_KEY)[0];
  if (detail.code === undefined || !REFUSALS.has(detail.code) || code === undefined) return undefined;
  return { grpcStatus: detail.code, code: String(code), message: detail.message ?? '' };
}

/**
 * Records every refused call a user makes to change something (an audit trail): a
 * `RequestRefused` event in the service's `audit-<service>` stream, with the caller, the machine
 * code and the id the request named. The refusal then reaches the caller unchanged. Reads and
 * calls without a user (agents) are not recorded.
 */
export class RefusalAudit implements NestInterceptor {
  constructor(
    private readonly service: string,
    private readonly store: EventStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const method = context.getHandler().name;
    if (context.getType() !== 'rpc' || READ.test(method)) return next.handle();
    const rpc = context.switchToRpc();
    return next.handle().pipe(
      catchError((error: unknown) =>
        from(this.record(`${context.getClass().name.replace(/Controller$/, 'Service')}/${method}`, rpc.getData(), rpc.getContext(), error)).pipe(
          mergeMap(() => throwError(() => error)),
        ),
      ),
    );
  }

  private async record(operation: string, request: unknown, metadata: Metadata | undefined, error: unknown): Promise<void> {
    const principal = getPrincipal(metadata);
    const refusal = refusalOf(error);
    if (!principal?.userId || !refusal) return;
    const named = request as Record<string, unknown> | undefined;
    const resourceId = ['id', 'projectId', 'serverId', 'poolId'].map((k) => named?.[k]).find((v): v is string => typeof v === 'string' && v !== '') ?? null;
    const data: RequestRefusedData = {
      operation,
      code: refusal.code,
      message: refusal.message,
      userId: principal.userId,
      tokenId: principal.tokenId,
      realmIds: principal.activeRealmId ? [principal.activeRealmId] : [],
      resourceId,
      at: this.now().toISOString(),
    };
    try {
      await this.store.append(auditStream(this.service), [{ id: randomUUID(), type: 'RequestRefused', data, metadata: eventMetadata(principal, metadata) }]);
    } catch {
      // the refusal still reaches the caller; a lost audit line must not turn it into a failure
    }
  }
}
