// Command-line options of verify:pulumi.

import { type BoolFlags, parseFlags, text, UsageError } from '../core/args';

export const USAGE = `usage: npm run verify:pulumi -- [options]

  --crds <dir>            upstream CRDs, <dir>/<group>/<plural>.yaml (default: ../shared/crds)
  --no-build              do not run tools/go/build.sh (pulumi and kube groups)
  --step-timeout <s>      cancel one engine operation after this many seconds (default: 900)
  --keep                  keep the temp dir (workspace, state, logs) for debugging
  -h, --help              this text

Runs the local stack's program (Pulumi.local.yaml + operatorInstall: external) through the real
Pulumi engine and Kubernetes provider against a throwaway control plane. Last two lines:
  canaries: C/T caught
  pulumi: up N created, second up 0 changed, update U changed, destroy D deleted, R retained, refresh 0 changed
(a canary not caught fails the run and is named at the end of the last line) or, when it cannot run at all, 'pulumi: error: <reason>' (exit 2).
`;

export interface PulumiOptions {
  crds: string;
  build: boolean;
  stepTimeout: number;
  keep: boolean;
  help: boolean;
}

export const DEFAULTS: Readonly<PulumiOptions> = Object.freeze({ crds: '../shared/crds', build: true, stepTimeout: 900, keep: false, help: false });

function stepTimeout(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 30) throw new UsageError(`--step-timeout must be an integer >= 30 (seconds), got '${v}'`);
  return n;
}

const BOOL_FLAGS: BoolFlags<PulumiOptions> = { '--no-build': ['build', false], '--keep': ['keep', true], '-h': ['help', true], '--help': ['help', true] };

export function parseArgs(argv: readonly string[]): PulumiOptions {
  return parseFlags<PulumiOptions>(argv, DEFAULTS, { '--crds': ['crds', text], '--step-timeout': ['stepTimeout', stepTimeout] }, BOOL_FLAGS);
}
