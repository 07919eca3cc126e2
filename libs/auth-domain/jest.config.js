module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'auth-domain',
  rootDir: __dirname,
};
