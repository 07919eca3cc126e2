module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'decider',
  rootDir: __dirname,
};
