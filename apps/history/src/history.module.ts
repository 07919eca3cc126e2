import { Module, type DynamicModule } from '@nestjs/common';
import { HistoryController } from './grpc/history.controller';
import { HistoryQueries } from './read-model/history-queries';

/** gRPC adapter over the history read model. */
@Module({})
export class HistoryModule {
  static with(queries: HistoryQueries): DynamicModule {
    return {
      module: HistoryModule,
      controllers: [HistoryController],
      providers: [{ provide: HistoryQueries, useValue: queries }],
    };
  }
}
