import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { HealthRegistry } from './health';
import { MetricsRegistry } from './metrics';

/** Injection token of the service's name (`@Inject(SERVICE_NAME) name: string`). */
export const SERVICE_NAME = Symbol.for('hoody.service-kit.SERVICE_NAME');
/** Injection token of the service's validated configuration (`@Inject(SERVICE_CONFIG) config: MyConfig`). */
export const SERVICE_CONFIG = Symbol.for('hoody.service-kit.SERVICE_CONFIG');

export interface ServiceKitModuleOptions {
  name: string;
  config: object;
  health: HealthRegistry;
  metrics: MetricsRegistry;
}

/**
 * Global module that bootstrapService puts beside the service's own module: it provides
 * SERVICE_NAME, SERVICE_CONFIG, HealthRegistry and MetricsRegistry to every module.
 */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceKitModuleOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: SERVICE_NAME, useValue: options.name },
      { provide: SERVICE_CONFIG, useValue: options.config },
      { provide: HealthRegistry, useValue: options.health },
      { provide: MetricsRegistry, useValue: options.metrics },
    ];
    return {
      module: ServiceKitModule,
      global: true,
      providers,
      exports: [SERVICE_NAME, SERVICE_CONFIG, HealthRegistry, MetricsRegistry],
    };
  }
}
