// The e2e spec starts the agent process against one private docker engine (with the base image) and
// one NATS server per jest run, started by test-support's stack global setup.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'agent',
  rootDir: __dirname,
  globalSetup: '<rootDir>/../../libs/test-support/src/jest/stack.global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/test-support/src/jest/stack.global-teardown.ts',
};
