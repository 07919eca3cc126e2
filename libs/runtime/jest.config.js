// The int specs run against one private docker engine per jest run (HOODY_TEST_DOCKER_HOST),
// started by test-support's global setup, which also imports the base image into it.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'runtime',
  rootDir: __dirname,
  globalSetup: '<rootDir>/../test-support/src/jest/docker.global-setup.ts',
  globalTeardown: '<rootDir>/../test-support/src/jest/docker.global-teardown.ts',
};
