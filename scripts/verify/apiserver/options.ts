// Command-line options of verify:apiserver.

import { COMMON_BOOL_FLAGS, type CommonOptions, type FieldValidation, fieldValidation, parseFlags, port, seconds, text } from '../core/args';
import type { ControlPlaneOptions } from '../core/control-plane';

export const USAGE = `Usage: npm run verify:apiserver -- [options]

Applies every object of dist/*.yaml to a throwaway kube-apiserver + etcd on 127.0.0.1, then
dry-run creates every manifest embedded in an Argo workflow step (resource templates).

Options:
  --dist <dir>             chart files to verify (default: dist)
  --crds <dir>             upstream CRDs, <dir>/<group>/<plural>.yaml (default: ../shared/crds)
  --project-crds <dir>     project-authored CRDs (JSON) for kinds with no upstream CRD (default: test/validation/project-crds)
  --apiserver-bin <path>   use this kube-apiserver instead of the pinned build
  --etcd-bin <path>        use this etcd instead of the pinned build
  --no-build               do not run tools/go/build.sh kube; fail if a binary is missing
  --apiserver-port <n>     secure port (default: a random free port)
  --etcd-port <n>          etcd client port (default: a random free port)
  --etcd-timeout <s>       seconds to wait for etcd /health (default: 30)
  --apiserver-timeout <s>  seconds to wait for kube-apiserver /readyz (default: 120)
  --crd-timeout <s>        seconds to wait for each CRD to become Established (default: 60)
  --field-validation <v>   Strict | Warn | Ignore for every apply (default: Strict)
  --verbose                also list every accepted object
  -h, --help               this text
`;

export interface ApiserverOptions extends CommonOptions, ControlPlaneOptions {
  dist: string;
  crds: string;
  projectCrds: string;
  crdTimeout: number;
  fieldValidation: FieldValidation;
}

export const DEFAULTS: Readonly<ApiserverOptions> = Object.freeze({
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

export function parseArgs(argv: readonly string[]): ApiserverOptions {
  return parseFlags<ApiserverOptions>(
    argv,
    DEFAULTS,
    {
      '--dist': ['dist', text],
      '--crds': ['crds', text],
      '--project-crds': ['projectCrds', text],
      '--apiserver-bin': ['apiserverBin', text],
      '--etcd-bin': ['etcdBin', text],
      '--apiserver-port': ['apiserverPort', port],
      '--etcd-port': ['etcdPort', port],
      '--etcd-timeout': ['etcdTimeout', seconds],
      '--apiserver-timeout': ['apiserverTimeout', seconds],
      '--crd-timeout': ['crdTimeout', seconds],
      '--field-validation': ['fieldValidation', fieldValidation],
    },
    COMMON_BOOL_FLAGS,
  );
}
