// The int specs start their own servers and engines; the stack global setup (one NATS, one docker
// engine with the base image per run) is used too, so that it is exercised on every run.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'test-support',
  rootDir: __dirname,
  globalSetup: '<rootDir>/src/jest/stack.global-setup.ts',
  globalTeardown: '<rootDir>/src/jest/stack.global-teardown.ts',
};
