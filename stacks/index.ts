import * as k8s from '@pulumi/kubernetes';
import { buildPlatform } from '../charts';

// Deploys every chart of the platform to the cluster of the current kubeconfig context.
// The objects come from the same TypeScript as `npm run synth`; no YAML is read at deploy time.
const app = buildPlatform();
export const charts = app.synthManifests().map((m) => new k8s.yaml.v2.ConfigGroup(m.name, { objs: m.objects }).urn);
