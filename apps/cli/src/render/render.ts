// From an answer (or an error) to what the process prints and its exit code. Pure.
import { HoodyApiError, HoodyConnectionError, type Envelope } from '@hoody-ai/hoody-sdk';
import { formatKeyValue, formatTable } from './format';
import type { View } from './views';

export type OutputFormat = 'table' | 'json';

export interface Output {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Exit codes: 0 success, 1 the API answered an error, 2 usage, 3 the API could not be reached. */
export const EXIT = { ok: 0, apiError: 1, usage: 2, unreachable: 3 } as const;

type Row = Record<string, unknown>;
const isRecord = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function listRows(view: Extract<View, { kind: 'table' }>, data: unknown): Row[] {
  if (Array.isArray(data)) return data.filter(isRecord);
  if (!isRecord(data)) return [];
  if (view.rows) return view.rows(data);
  const key = view.key && Array.isArray(data[view.key]) ? view.key : Object.keys(data).find((k) => Array.isArray(data[k]));
  return key ? (data[key] as unknown[]).filter(isRecord) : [];
}

/** `page 1/3 · 45 total`, or `1–20 of 45 · more: --offset 20` for offset paging. */
function pageFooter(data: unknown, shown: number): string | undefined {
  if (!isRecord(data) || !isRecord(data['pagination'])) return undefined;
  const p = data['pagination'];
  if (typeof p['totalPages'] === 'number') {
    return `page ${p['page']}/${Math.max(1, p['totalPages'])} · ${p['total']} total`;
  }
  if (typeof p['offset'] === 'number') {
    const from = shown === 0 ? 0 : p['offset'] + 1;
    const more = p['has_more'] ? ` · more: --offset ${p['offset'] + shown}` : '';
    return `${from}–${p['offset'] + shown} of ${p['total']}${more}`;
  }
  return undefined;
}

function renderTable(view: Extract<View, { kind: 'table' }>, data: unknown): string {
  const rows = listRows(view, data);
  const custom = isRecord(data) && view.footer ? view.footer(data) : undefined;
  const footer = custom ?? pageFooter(data, rows.length);
  const body = rows.length === 0 ? `${view.empty}\n` : formatTable(view.columns, rows);
  return footer ? `${body}${footer}\n` : body;
}

function renderObject(view: Extract<View, { kind: 'object' }>, data: unknown): string {
  const picked = view.pick && isRecord(data) && isRecord(data[view.pick]) ? data[view.pick] : data;
  if (!isRecord(picked)) return json(picked);
  const shown = view.summary ? view.summary(picked) : picked;
  const tables = view.tables ?? {};
  const scalars = Object.fromEntries(Object.entries(shown).filter(([k]) => !(k in tables && Array.isArray(shown[k]))));
  let out = formatKeyValue(scalars);
  for (const [key, columns] of Object.entries(tables)) {
    const rows = shown[key];
    if (!Array.isArray(rows)) continue;
    out += `\n${key.toUpperCase()} (${rows.length})\n`;
    if (rows.length > 0) out += formatTable(columns, rows.filter(isRecord));
  }
  return out;
}

/** What a successful answer prints. */
export function renderResult(view: View, envelope: Envelope<unknown>, format: OutputFormat): Output {
  const { data } = envelope;
  if (view.kind === 'exec') {
    const result = isRecord(data) ? data : {};
    const exitCode = typeof result['exit_code'] === 'number' ? result['exit_code'] : EXIT.apiError;
    if (format === 'json') return { stdout: json(data), stderr: '', exitCode };
    return { stdout: String(result['stdout'] ?? ''), stderr: String(result['stderr'] ?? ''), exitCode };
  }
  if (format === 'json') return { stdout: json(data), stderr: '', exitCode: EXIT.ok };

  switch (view.kind) {
    case 'table':
      return { stdout: renderTable(view, data), stderr: '', exitCode: EXIT.ok };
    case 'object':
      return { stdout: renderObject(view, data), stderr: view.notice ? `${view.notice}\n` : '', exitCode: EXIT.ok };
    case 'lines': {
      const lines = isRecord(data) && Array.isArray(data['lines']) ? data['lines'] : [];
      return { stdout: lines.map((l) => `${String(l)}\n`).join(''), stderr: '', exitCode: EXIT.ok };
    }
    case 'message': {
      const message = envelope.message || 'Done.';
      const details = isRecord(data) ? formatKeyValue(data) : '';
      return { stdout: `${message}\n${details}`, stderr: '', exitCode: EXIT.ok };
    }
  }
}

/** What a failure prints: `Error 409 NAME_TAKEN: <the API's message>` on stderr. */
export function renderError(err: unknown, context: { baseUrl: string; hasToken: boolean }): Output {
  if (err instanceof HoodyApiError) {
    let stderr = `Error ${err.statusCode} ${err.error}: ${err.message}\n`;
    for (const issue of err.data ?? []) stderr += `  ${issue.instancePath || '(body)'}: ${issue.message}\n`;
    if (err.statusCode === 401 && !context.hasToken) stderr += 'No token given: set HOODY_TOKEN or pass --token.\n';
    return { stdout: '', stderr, exitCode: EXIT.apiError };
  }
  if (err instanceof HoodyConnectionError) {
    return {
      stdout: '',
      stderr: `Error: ${err.message}\nIs the Hoody API running at ${context.baseUrl}? Set --base-url or HOODY_BASE_URL.\n`,
      exitCode: EXIT.unreachable,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { stdout: '', stderr: `Error: ${message}\n`, exitCode: EXIT.apiError };
}
