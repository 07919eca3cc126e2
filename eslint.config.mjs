import nx from '@nx/eslint-plugin';

const layers = [
  // Contracts (proto-generated code, the decider type) stand on nothing of ours.
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
  // Domain deciders are pure: contracts only.
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:contracts'] },
  // Infrastructure libs (store, messaging, service kit) never reach into domain code or apps.
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:contracts', 'type:infra'] },
  { sourceTag: 'type:test-support', onlyDependOnLibsWithTags: ['type:contracts', 'type:infra', 'type:test-support'] },
  // Apps compose libs; no app imports another app (nothing may depend on type:app).
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:infra'] },
];
const boundaries = (constraints) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], depConstraints: constraints },
];
// Tests and test helpers may also use test support (a real NATS, a real Docker engine).
const inTests = layers.map((c) => ({ ...c, onlyDependOnLibsWithTags: [...new Set([...c.onlyDependOnLibsWithTags, 'type:test-support'])] }));

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/generated', 'tmp'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(layers),
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/testing/**/*.ts', '**/jest/**/*.ts', '**/bench/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(inTests) },
  },
];
