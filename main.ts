import { buildPlatform } from './charts';

// Entry of `npm run synth` / `cdk8s synth` (through scripts/synth.mjs).
buildPlatform().synth();
