// The e2e spec starts auth, an agent and the scheduler as processes against one private docker
// engine (with the base image) and one NATS server per jest run, from test-support's stack global setup.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'scheduler',
  rootDir: __dirname,
  globalSetup: '<rootDir>/../../libs/test-support/src/jest/stack.global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/test-support/src/jest/stack.global-teardown.ts',
};
