// Plain-text tables and key/value listings, hand-written (no dependency). Pure.

export type CellFormat = 'text' | 'time' | 'bytes';

export interface Column<Row = Record<string, unknown>> {
  header: string;
  value: (row: Row) => unknown;
  format?: CellFormat;
  /** Longer cells are cut with `…` (default 40). */
  max?: number;
}

const DEFAULT_MAX = 40;
const GAP = '  ';

/** `2026-03-25T14:30:45.123Z` → `2026-03-25 14:30:45` (UTC, as the API gives it). */
export function formatTime(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(?:Z|[+-]00:?00)$/.exec(value);
  return m ? `${m[1]} ${m[2]}` : value;
}

/** 1536 → `1.5 KiB`. */
export function formatBytes(value: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = value;
  let unit = 0;
  while (Math.abs(n) >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${n.toFixed(n >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** One value as text: `-` for nothing, yes/no, lists comma-joined, objects as JSON. */
export function formatValue(value: unknown, format: CellFormat = 'text'): string {
  if (value === undefined || value === null || value === '') return '-';
  if (format === 'time' && typeof value === 'string') return formatTime(value);
  if (format === 'bytes' && typeof value === 'number') return formatBytes(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) {
    if (value.length === 0) return '-';
    return value.every((v) => v === null || typeof v !== 'object') ? value.map((v) => formatValue(v)).join(',') : JSON.stringify(value);
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** No control characters (a newline in a name must not break the table). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f]+/g, ' ');

function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, Math.max(1, max - 1)).join('')}…` : text;
}

const width = (text: string) => Array.from(text).length;

/** A table: upper-case headers, columns two spaces apart, the last column unpadded. */
export function formatTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = rows.map((row) => columns.map((c) => cut(oneLine(formatValue(c.value(row), c.format)), c.max ?? DEFAULT_MAX)));
  const headers = columns.map((c) => c.header.toUpperCase());
  const widths = headers.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i]))));
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat(widths[i] - width(cell))))
      .join(GAP)
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n') + '\n';
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Nested objects become dotted keys (`specs.cpu_cores`), up to `depth` levels. */
export function flatten(value: Record<string, unknown>, depth = 2, prefix = ''): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(v) && depth > 0 && Object.keys(v).length > 0) out.push(...flatten(v, depth - 1, name));
    else out.push([name, v]);
  }
  return out;
}

const TIME_KEY = /(_at|_time|_date)$/;

/** `key  value` lines, keys aligned; timestamps (`*_at`) shortened, values never cut. */
export function formatKeyValue(value: Record<string, unknown>): string {
  const entries = flatten(value);
  if (entries.length === 0) return '';
  const pad = Math.max(...entries.map(([k]) => width(k)));
  return (
    entries
      .map(([k, v]) => `${k}${' '.repeat(pad - width(k))}${GAP}${oneLine(formatValue(v, TIME_KEY.test(k) ? 'time' : 'text'))}`)
      .join('\n') + '\n'
  );
}
