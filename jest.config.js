/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/esbuild-transform.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  cacheDirectory: '<rootDir>/.cache/jest',
  // Two cores: one worker per core; the validator compiles schemas once per worker.
  maxWorkers: 2,
};
