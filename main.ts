import { buildPlatform, examplePools } from './charts';
import { defaultPlatformTarget } from './stacks/operators/platform-target';

// Entry of `npm run synth` / `cdk8s synth` (through scripts/synth.mjs): the example charts, built
// and checked for the cluster the local stack makes with its defaults (Pulumi.local.yaml).
buildPlatform({ target: defaultPlatformTarget('local', Object.values(examplePools)) }).synth();
