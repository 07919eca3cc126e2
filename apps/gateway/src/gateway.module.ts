import { Inject, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ResponseCache } from '@hoody/http-api';
import type { FastifyInstance } from 'fastify';
import type { Backends } from './backends';
import type { GatewayConfig } from './config';
import { mountRestApi } from './rest-api';

const BACKENDS = Symbol('BACKENDS');
const CONFIG = Symbol('GATEWAY_CONFIG');
const CACHE = Symbol('RESPONSE_CACHE');

/** The REST API on the service kit's Fastify instance, mounted before it listens. */
class RestApi implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(BACKENDS) private readonly backends: Backends,
    @Inject(CACHE) private readonly cache: ResponseCache,
  ) {}

  async onModuleInit(): Promise<void> {
    await mountRestApi(this.host.httpAdapter.getInstance<FastifyInstance>(), this.config, this.backends, this.cache);
  }
}

@Module({})
export class GatewayModule {
  static with(config: GatewayConfig, backends: Backends, cache: ResponseCache): DynamicModule {
    return {
      module: GatewayModule,
      providers: [{ provide: CONFIG, useValue: config }, { provide: BACKENDS, useValue: backends }, { provide: CACHE, useValue: cache }, RestApi],
    };
  }
}
