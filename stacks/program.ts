/**
 * The whole environment: cluster (local, EKS or GKE), pinned operators in dependency order, and
 * the cdk8s charts. Everything that can fail on bad input runs before the first resource.
 */
import * as pulumi from '@pulumi/pulumi';
import { buildPlatform, stackDefaultPools } from '../charts';
import { PlatformTarget } from '../constructs/checks/platform-target';
import { ChartManifest } from '../constructs/app/chart-manifests';
import { PlatformApp } from '../constructs/app/platform-app';
import { applyMetadataConvention } from '../constructs/operations/metadata-convention';
import { ClusterKind, loadStackConfig, StackConfig, StackConfigError } from './config';
import { karpenterNodeRoleName } from './cluster/eks-autoscaling';
import { IClusterTarget } from './cluster/target';
import { checkDeployedCharts } from './operators/plan-checks';
import { platformTarget } from './operators/platform-target';
import { valuesContextFor } from './operators/values-context';
import { PlatformOperators } from './operators/platform-operators';
import { installedReleases, selectedReleases } from './operators/selection';
import { clusterOperators, compatibilityProblems, OperatorRelease, releasesFor } from './operators/versions';
import { KarpenterNodePools } from './platform/karpenter-node-pools';
import { useImageRegistry } from './platform/image-registry';
import { argoServer, inferenceEndpoints } from './platform/outputs';
import { checkNoSharedObjects, PlatformCharts, selectCharts } from './platform/platform-charts';
import { PlatformTeams, TEAMS_CHART } from './platform/teams';

/** Stack outputs. */
export interface PlatformStackOutputs {
  /** Kubeconfig of a created cluster (secret; empty for the local stack). */
  readonly kubeconfig: pulumi.Output<string>;
  /** `namespace/name` → URL of every InferenceService deployed. */
  readonly inferenceEndpoints: Record<string, string>;
  /** Argo Workflows UI service and port-forward command (absent without Argo). */
  readonly argoServer: { service: string; portForward: string } | undefined;
  /** Chart version of every operator installed. */
  readonly operatorVersions: Record<string, string>;
  /** Names of the charts deployed. */
  readonly charts: string[];
}

/** Chart of the Karpenter NodePools/EC2NodeClasses (eks + `autoscaler: karpenter`). */
export const KARPENTER_CHART = 'platform-karpenter';

/** What the stack will install, decided (and validated) without creating anything. */
export interface PlatformPlan {
  readonly releases: OperatorRelease[];
  readonly manifests: ChartManifest[];
  /** What the cluster provides once the releases are installed (what the charts were checked against). */
  readonly target: PlatformTarget;
}

/**
 * The pinned releases the config selects (the cluster's own first), checked for compatibility;
 * throws naming the config key.
 */
export function planReleases(config: StackConfig): OperatorRelease[] {
  // The cluster's own operators (EKS: its node autoscaler) come from the cluster kind, not the list.
  const own = clusterOperators(config.cluster, config.autoscaler);
  const releases = selectedReleases(config);
  const problems = compatibilityProblems(config.kubernetesVersion, releases, config.cluster);
  if (problems.length) {
    const key = problems.some((p) => own.some((o) => p.startsWith(`${o} `))) && config.autoscaler ? 'autoscaler' : 'operators';
    throw new StackConfigError(key, key === 'autoscaler' ? config.autoscaler : config.operators, `incompatible selection for kubernetesVersion '${config.kubernetesVersion}':\n  ${problems.join('\n  ')}`);
  }
  return releases;
}

/** The stack's target: what its cluster will serve, from the config and its pinned releases. */
export function stackTarget(config: StackConfig, releases: readonly OperatorRelease[] = planReleases(config)): PlatformTarget {
  return platformTarget(config, releases);
}

/**
 * Validates config against the version map and the app's charts, then runs the semantic checks
 * over exactly the charts the stack deploys (its own + the selected ones) against its target;
 * throws naming the config key before anything is registered.
 */
export function planPlatform(config: StackConfig, app: PlatformApp): PlatformPlan {
  const releases = planReleases(config);
  const target = stackTarget(config, releases);
  // The stack's own charts come from config, in their own app: the example app is synthesized
  // whole (its identity checks span every chart), these only against the charts selected with them.
  const stackApp = new PlatformApp();
  if (config.teams.length) new PlatformTeams(stackApp, TEAMS_CHART, { pools: config.pools, teams: config.teams });
  if (config.autoscaler === 'karpenter') {
    new KarpenterNodePools(stackApp, KARPENTER_CHART, {
      pools: config.pools, clusterName: config.clusterName, subnetIds: config.subnetIds, nodeRoleName: karpenterNodeRoleName(config.clusterName),
    });
  }
  // Same labels as every other chart.
  applyMetadataConvention(stackApp);
  // Checked below as deployed, not each app on its own (a chart may rely on one left out).
  const platform = stackApp.synthManifests({ checks: false });
  // The project's own images from the registry they were pushed to, before synth and checks.
  if (config.imageRegistry) useImageRegistry(app, config.imageRegistry);
  const selected = selectCharts(app.synthManifests({ checks: false }), config.charts);
  checkNoSharedObjects(platform, selected, config.charts);
  // Teams and Karpenter capacity are config, not example charts: always deployed, first.
  const manifests = [...platform, ...selected];
  // Everything the stack deploys is here: a PriorityClass or LocalQueue none of it makes is an error.
  checkDeployedCharts(config, manifests, { ...target, wholeDeployment: true });
  return { releases, manifests, target };
}

/** Creates the cluster for `config.cluster` (cloud SDKs load only for the stack that needs them). */
export function createCluster(name: string, config: StackConfig): IClusterTarget {
  const kind: ClusterKind = config.cluster;
  switch (kind) {
    case 'eks': {
      const { EksCluster } = require('./cluster/eks') as typeof import('./cluster/eks');
      const autoscaler = config.autoscaler ?? 'cluster-autoscaler';
      return new EksCluster(name, {
        clusterName: config.clusterName, kubernetesVersion: config.kubernetesVersion, subnetIds: config.subnetIds, systemPool: config.systemPool,
        // With Karpenter the pools are NodePools it provisions, not managed node groups.
        pools: autoscaler === 'karpenter' ? [] : config.pools,
        autoscaler,
        autoscalerNamespace: releasesFor(config.kubernetesVersion)[autoscaler].namespace,
      });
    }
    case 'gke': {
      const { GkeCluster } = require('./cluster/gke') as typeof import('./cluster/gke');
      // The gpu-operator's GKE needs: its quota only where the stack installs it, the pool label wherever it runs.
      const gpuOperator = selectedReleases(config).find((r) => r.name === 'gpu-operator');
      const installsIt = installedReleases(config).some((r) => r.name === 'gpu-operator');
      return new GkeCluster(name, {
        clusterName: config.clusterName, kubernetesVersion: config.kubernetesVersion, location: config.location!, systemPool: config.systemPool, pools: config.pools,
        gpuOperator: gpuOperator && { quotaNamespace: installsIt ? gpuOperator.namespace : undefined },
      });
    }
    case 'local': {
      const { LocalCluster } = require('./cluster/local') as typeof import('./cluster/local');
      return new LocalCluster(name, { context: config.kubeconfigContext, pools: config.pools, poolNodes: config.poolNodes });
    }
  }
}

/** The program: plan (pure, may throw), then cluster → operators → charts. */
export function runPlatformStack(config: StackConfig, app: PlatformApp): PlatformStackOutputs {
  const plan = planPlatform(config, app);
  const cluster = createCluster(config.clusterName, config);
  // operatorInstall 'external': the listed operators exist already (checked above all the same);
  // only the cluster's own ones (EKS node autoscaler, wired to its IAM) are still installed here.
  const installed = installedReleases(config, plan.releases);
  const operators = installed.length === 0 ? undefined : new PlatformOperators('operators', {
    releases: installed,
    localCharts: config.localCharts,
    provider: cluster.provider,
    prerequisites: cluster.operatorPrerequisites,
    values: valuesContextFor(config, plan.releases),
  }, { dependsOn: cluster.nodes });
  new PlatformCharts('charts', { manifests: plan.manifests, provider: cluster.provider }, { dependsOn: operators ? [operators] : cluster.nodes });
  const argoNamespace = plan.releases.find((r) => r.name === 'argo-workflows')?.namespace ?? 'argo';
  return {
    kubeconfig: cluster.kubeconfig,
    inferenceEndpoints: inferenceEndpoints(app, plan.manifests.map((m) => m.name), config.domain),
    argoServer: argoServer(plan.releases.map((r) => r.name), argoNamespace),
    // Chart versions of every operator the plan checked against, installed here or not.
    operatorVersions: Object.fromEntries(plan.releases.map((r) => [r.name, r.source.version])),
    charts: plan.manifests.map((m) => m.name),
  };
}

/**
 * The stack entry: config from Pulumi (default pools: the ones the example charts target), the
 * target its cluster will be, the whole platform app, then `runPlatformStack`.
 */
export function main(): PlatformStackOutputs {
  const config = loadStackConfig(stackDefaultPools);
  // First, so a bad version or selection fails before any chart is built; the example charts are
  // then built for the cluster this stack makes (storage classes, optional operators).
  return runPlatformStack(config, buildPlatform({ target: stackTarget(config), pools: config.pools }));
}
