// The default cdk8s project's entry, for the benchmark baseline: the same charts as main.ts, but
// written the way `cdk8s init typescript-app` does, with stock `App.synth()` (per-chart
// re-preparation of the whole app, files written as it goes) instead of PlatformApp's synth.
import { App } from 'cdk8s';
import { buildPlatform } from '../../charts';

App.prototype.synth.call(buildPlatform());
