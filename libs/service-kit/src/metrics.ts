import {
  collectDefaultMetrics,
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  type Metric,
  Registry,
} from 'prom-client';

/**
 * The Prometheus registry behind `GET /metrics`: one per service process (not prom-client's global
 * one), with the default Node.js metrics and a `service` label on every series. Inject it (it is
 * provided globally) and add metrics, either with prom-client directly (`registers: [metrics]`) or
 * with counter()/gauge()/histogram(), which return the already registered metric of that name if
 * there is one.
 */
export class MetricsRegistry extends Registry {
  constructor(readonly service: string, options: { defaultMetrics?: boolean } = {}) {
    super();
    this.setDefaultLabels({ service });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this });
  }

  counter<T extends string = string>(config: CounterConfiguration<T>): Counter<T> {
    return this.existing<Counter<T>>(config.name, Counter) ?? new Counter({ ...config, registers: [this] });
  }

  gauge<T extends string = string>(config: GaugeConfiguration<T>): Gauge<T> {
    return this.existing<Gauge<T>>(config.name, Gauge) ?? new Gauge({ ...config, registers: [this] });
  }

  histogram<T extends string = string>(config: HistogramConfiguration<T>): Histogram<T> {
    return this.existing<Histogram<T>>(config.name, Histogram) ?? new Histogram({ ...config, registers: [this] });
  }

  private existing<M extends Metric>(name: string, kind: abstract new (...args: never[]) => Metric): M | undefined {
    const metric = this.getSingleMetric(name);
    if (metric === undefined) return undefined;
    if (!(metric instanceof kind)) throw new Error(`metric ${name} is already registered as another kind`);
    return metric as M;
  }
}
