/**
 * Makes the workspace path aliases (`@hoody/*` from tsconfig.base.json) resolvable in jest's
 * globalSetup/globalTeardown modules. Jest loads those with plain Node `require` (transpiling
 * through a require hook), so the preset's moduleNameMapper does not apply to them and
 * `@hoody/runtime` would not be found. Import this module first, for its side effect:
 *   import './workspace-paths';
 */
import { existsSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join, resolve } from 'node:path';
import * as ts from 'typescript';

type ResolveFilename = (request: string, ...rest: unknown[]) => string;
const NodeModule = Module as unknown as { _resolveFilename: ResolveFilename };
const INSTALLED = Symbol.for('hoody.test-support.workspace-paths');
const g = globalThis as { [INSTALLED]?: true };

if (!g[INSTALLED]) {
  g[INSTALLED] = true;
  const aliases = readAliases();
  const original = NodeModule._resolveFilename;
  NodeModule._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
    return original.call(this, aliases(request) ?? request, ...rest);
  };
}

/** Reads `compilerOptions.paths` of the nearest tsconfig.base.json above this file. */
function readAliases(): (request: string) => string | undefined {
  let dir = __dirname;
  while (!existsSync(join(dir, 'tsconfig.base.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no tsconfig.base.json above ${__dirname}`);
    dir = parent;
  }
  const file = join(dir, 'tsconfig.base.json');
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(`cannot read ${file}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  const options = (config as { compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> } }).compilerOptions ?? {};
  const baseUrl = resolve(dir, options.baseUrl ?? '.');
  const entries = Object.entries(options.paths ?? {}).filter(([, targets]) => targets.length > 0);
  return (request) => {
    for (const [pattern, [target]] of entries) {
      const star = pattern.indexOf('*');
      if (star < 0) {
        if (request === pattern) return resolve(baseUrl, target);
        continue;
      }
      const prefix = pattern.slice(0, star);
      const suffix = pattern.slice(star + 1);
      if (request.startsWith(prefix) && request.endsWith(suffix) && request.length >= prefix.length + suffix.length) {
        return resolve(baseUrl, target.replace('*', request.slice(prefix.length, request.length - suffix.length)));
      }
    }
    return undefined;
  };
}
