// The e2e spec starts the platform as a user does (npm start's launcher) against the private Docker
// engine and NATS server of test-support's stack global setup.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'gateway',
  rootDir: __dirname,
  globalSetup: '<rootDir>/../../libs/test-support/src/jest/stack.global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/test-support/src/jest/stack.global-teardown.ts',
};
