import { HealthRegistry } from './health';
import { MetricsRegistry } from './metrics';

describe('HealthRegistry', () => {
  it('is ok without checks and when every check passes', async () => {
    const health = new HealthRegistry();
    expect(await health.run()).toEqual({ status: 'ok', checks: {} });
    health.register('a', () => true);
    health.register('b', async () => ({ ok: true, detail: 'connected' }));
    const report = await health.run();
    expect(report.status).toBe('ok');
    expect(report.checks['b']).toMatchObject({ status: 'ok', detail: 'connected' });
  });

  it('is degraded when a check fails, throws or times out', async () => {
    const health = new HealthRegistry();
    health.register('false', () => false);
    health.register('throws', () => {
      throw new Error('connection refused');
    });
    health.register('slow', () => new Promise<boolean>(() => undefined), { timeoutMs: 20 });
    const report = await health.run();
    expect(report.status).toBe('degraded');
    expect(report.checks['false']).toMatchObject({ status: 'fail' });
    expect(report.checks['throws']).toMatchObject({ status: 'fail', detail: 'connection refused' });
    expect(report.checks['slow']).toMatchObject({ status: 'fail', detail: 'timed out after 20 ms' });
  });

  it('unregisters', async () => {
    const health = new HealthRegistry();
    const remove = health.register('x', () => false);
    remove();
    expect(health.names()).toEqual([]);
  });
});

describe('MetricsRegistry', () => {
  it('labels every series with the service and reuses metrics by name', async () => {
    const metrics = new MetricsRegistry('svc', { defaultMetrics: false });
    const counter = metrics.counter({ name: 'things_total', help: 'Things.' });
    expect(metrics.counter({ name: 'things_total', help: 'Things.' })).toBe(counter);
    counter.inc(2);
    expect(await metrics.metrics()).toContain('things_total{service="svc"} 2');
    expect(() => metrics.gauge({ name: 'things_total', help: 'x' })).toThrow(/another kind/);
  });

  it('collects the default Node.js metrics', async () => {
    const metrics = new MetricsRegistry('svc');
    expect(await metrics.metrics()).toContain('process_cpu_user_seconds_total{service="svc"}');
  });
});
