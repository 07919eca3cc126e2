import { Inject, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { Backends } from './backends';
import type { GatewayConfig } from './config';
import { mountRestApi } from './rest-api';

const BACKENDS = Symbol('BACKENDS');
const CONFIG = Symbol('GATEWAY_CONFIG');

/** The REST API on the service kit's Fastify instance, mounted before it listens. */
class RestApi implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(BACKENDS) private readonly backends: Backends,
  ) {}

  async onModuleInit(): Promise<void> {
    await mountRestApi(this.host.httpAdapter.getInstance<FastifyInstance>(), this.config, this.backends);
  }
}

@Module({})
export class GatewayModule {
  static with(config: GatewayConfig, backends: Backends): DynamicModule {
    return {
      module: GatewayModule,
      providers: [{ provide: CONFIG, useValue: config }, { provide: BACKENDS, useValue: backends }, RestApi],
    };
  }
}
