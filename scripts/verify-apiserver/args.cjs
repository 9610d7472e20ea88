'use strict';
// Command-line options of scripts/verify-apiserver/verify-apiserver.mjs (re-exported by lib.cjs).

const USAGE = `Usage: node scripts/verify-apiserver/verify-apiserver.mjs [options]

Applies every object of dist/*.yaml to a throwaway kube-apiserver + etcd on 127.0.0.1, then
dry-run creates every manifest embedded in an Argo workflow step (resource templates).

Options:
  --dist <dir>             chart files to verify (default: dist)
  --crds <dir>             upstream CRDs, <dir>/<group>/<plural>.yaml (default: ../shared/crds)
  --project-crds <dir>     project-authored CRDs (JSON) for kinds with no upstream CRD (default: test/validation/project-crds)
  --apiserver-bin <path>   use this kube-apiserver instead of the pinned build
  --etcd-bin <path>        use this etcd instead of the pinned build
  --no-build               do not run tools/apiserver/build.sh; fail if a binary is missing
  --apiserver-port <n>     secure port (default: a random free port)
  --etcd-port <n>          etcd client port (default: a random free port)
  --etcd-timeout <s>       seconds to wait for etcd /health (default: 30)
  --apiserver-timeout <s>  seconds to wait for kube-apiserver /readyz (default: 120)
  --crd-timeout <s>        seconds to wait for each CRD to become Established (default: 60)
  --field-validation <v>   Strict | Warn | Ignore for every apply (default: Strict)
  --verbose                also list every accepted object
  -h, --help               this text
`;

const DEFAULTS = Object.freeze({
  dist: 'dist',
  crds: '../shared/crds',
  projectCrds: 'test/validation/project-crds',
  apiserverBin: undefined,
  etcdBin: undefined,
  build: true,
  apiserverPort: 0,
  etcdPort: 0,
  etcdTimeout: 30,
  apiserverTimeout: 120,
  crdTimeout: 60,
  fieldValidation: 'Strict',
  verbose: false,
  help: false,
});

class UsageError extends Error {}

/**
 * Parses `argv` into a copy of `defaults`: `valueFlags` map a flag to [key, convert(value, flag)]
 * (`--flag value` or `--flag=value`), `boolFlags` to [key, value]. Unknown flags are a UsageError.
 */
function parseFlags(argv, defaults, valueFlags, boolFlags) {
  const opts = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (boolFlags[arg] && value === undefined) {
      const [key, v] = boolFlags[arg];
      opts[key] = v;
    } else if (valueFlags[arg]) {
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
        value = argv[++i];
      }
      const [key, conv] = valueFlags[arg];
      opts[key] = conv(value, arg);
    } else throw new UsageError(`unknown option ${arg}`);
  }
  return opts;
}

function port(v, flag) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag}: not a port: ${v}`);
  return n;
}

function seconds(v, flag) {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag}: not a positive number of seconds: ${v}`);
  return n;
}

function fieldValidation(v, flag) {
  const m = ['Strict', 'Warn', 'Ignore'].find((x) => x.toLowerCase() === String(v).toLowerCase());
  if (!m) throw new UsageError(`${flag}: expected Strict, Warn or Ignore, got ${v}`);
  return m;
}

/** Flags every verify command takes. */
const COMMON_BOOL_FLAGS = Object.freeze({
  '--no-build': ['build', false],
  '--verbose': ['verbose', true],
  '-v': ['verbose', true],
  '--help': ['help', true],
  '-h': ['help', true],
});

function parseArgs(argv) {
  return parseFlags(argv, DEFAULTS, {
    '--dist': ['dist', String],
    '--crds': ['crds', String],
    '--project-crds': ['projectCrds', String],
    '--apiserver-bin': ['apiserverBin', String],
    '--etcd-bin': ['etcdBin', String],
    '--apiserver-port': ['apiserverPort', port],
    '--etcd-port': ['etcdPort', port],
    '--etcd-timeout': ['etcdTimeout', seconds],
    '--apiserver-timeout': ['apiserverTimeout', seconds],
    '--crd-timeout': ['crdTimeout', seconds],
    '--field-validation': ['fieldValidation', fieldValidation],
  }, COMMON_BOOL_FLAGS);
}

module.exports = { USAGE, DEFAULTS, UsageError, parseArgs, parseFlags, seconds, COMMON_BOOL_FLAGS };
