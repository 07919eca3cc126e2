import { flatten, formatBytes, formatKeyValue, formatTable, formatTime, formatValue, type Column } from './format';

describe('formatValue', () => {
  it.each<[unknown, string]>([
    [null, '-'],
    [undefined, '-'],
    ['', '-'],
    [true, 'yes'],
    [false, 'no'],
    [42, '42'],
    [[], '-'],
    [['r1', 'r2'], 'r1,r2'],
    [[{ a: 1 }], '[{"a":1}]'],
    [{ A: '1' }, '{"A":"1"}'],
  ])('%p → %p', (value, text) => {
    expect(formatValue(value)).toBe(text);
  });

  it('shortens ISO timestamps and sizes when asked', () => {
    expect(formatValue('2026-03-25T14:30:45.123Z', 'time')).toBe('2026-03-25 14:30:45');
    expect(formatValue('not a date', 'time')).toBe('not a date');
    expect(formatValue(1536, 'bytes')).toBe('1.5 KiB');
  });
});

describe('formatTime / formatBytes', () => {
  it('keeps what it does not recognise', () => {
    expect(formatTime('2026-03-25T14:30:45Z')).toBe('2026-03-25 14:30:45');
    expect(formatTime('2026-03-25T14:30:45+02:00')).toBe('2026-03-25T14:30:45+02:00');
  });
  it('uses binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
    expect(formatBytes(300 * 1024 ** 2)).toBe('300 MiB');
  });
});

describe('formatTable', () => {
  const columns: Column[] = [
    { header: 'id', value: (r) => r['id'] },
    { header: 'name', value: (r) => r['name'], max: 8 },
    { header: 'status', value: (r) => r['status'] },
  ];

  it('aligns columns two spaces apart, headers upper-case, no trailing spaces', () => {
    const text = formatTable(columns, [
      { id: 'a1', name: 'web', status: 'running' },
      { id: 'b22', name: 'worker', status: null },
    ]);
    expect(text).toBe(['ID   NAME    STATUS', 'a1   web     running', 'b22  worker  -', ''].join('\n'));
  });

  it('cuts long cells and flattens control characters', () => {
    const text = formatTable(columns, [{ id: 'x', name: 'a-very-long-name', status: 'multi\nline' }]);
    expect(text).toBe(['ID  NAME      STATUS', 'x   a-very-…  multi line', ''].join('\n'));
  });

  it('prints only the header without rows', () => {
    expect(formatTable(columns, [])).toBe('ID  NAME  STATUS\n');
  });
});

describe('formatKeyValue', () => {
  it('aligns keys, flattens nested objects to dotted keys, shortens *_at', () => {
    const text = formatKeyValue({
      id: 's1',
      specs: { cpu_cores: 8, ram_gb: 32 },
      realm_ids: [],
      last_seen_at: '2026-03-25T14:30:45.000Z',
    });
    expect(text).toBe(
      ['id               s1', 'specs.cpu_cores  8', 'specs.ram_gb     32', 'realm_ids        -', 'last_seen_at     2026-03-25 14:30:45', ''].join('\n'),
    );
  });

  it('keeps empty objects and deep nesting as JSON', () => {
    expect(flatten({ environment_vars: {}, a: { b: { c: { d: 1 } } } })).toEqual([
      ['environment_vars', {}],
      ['a.b.c', { d: 1 }],
    ]);
  });
});
