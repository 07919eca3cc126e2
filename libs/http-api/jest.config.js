module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'http-api',
  rootDir: __dirname,
};
