import { buildPlatform, localExamplePools } from './charts';
import { defaultPlatformTarget } from './stacks/operators/platform-target';

// Entry of `npm run synth` / `cdk8s synth` (through scripts/synth.mjs): the example charts, built
// and checked for the cluster the local stack makes with its defaults (Pulumi.local.yaml: its
// draDriver too).
const pools = localExamplePools();
buildPlatform({ target: defaultPlatformTarget('local', pools, { draDriver: 'external' }), pools }).synth();
