/**
 * `pulumi up` entry (Pulumi.yaml → stacks/index.ts). The stack config (Pulumi.<stack>.yaml)
 * chooses the cluster: `local` (current kubeconfig context), `eks` or `gke`. The charts are the
 * ones `npm run synth` writes, built from the same TypeScript; no YAML is read at deploy time.
 */
import { main } from './program';

const outputs = main();

export const kubeconfig = outputs.kubeconfig;
export const inferenceEndpoints = outputs.inferenceEndpoints;
export const argoServer = outputs.argoServer;
export const operatorVersions = outputs.operatorVersions;
export const charts = outputs.charts;
