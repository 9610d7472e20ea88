// Shared bits of the verify-apiserver runner modules: the `yaml` package, the fatal-error type,
// logging and the field manager name.

import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import lib from './lib.cjs';

const require = createRequire(import.meta.url);
export const YAML = require('yaml');

export const scriptDir = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(scriptDir, '..', '..');
export const FIELD_MANAGER = lib.FIELD_MANAGER;

/** The check cannot run at all: reported as `apiserver: error: <message>`, exit code 2. */
export class Fatal extends Error {}

export const log = (...a) => console.log(...a);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
