module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'scheduler-domain',
  rootDir: __dirname,
};
