import * as container from '@pulumi/gcp/container';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { CapacityType, GKE_QUEUED_TAINT, GPU_TAINT, NodePool } from '../../constructs/cluster/node-pool';
import { SystemPoolConfig } from '../config';
import type { OperatorName } from '../operators/versions';
import { GKE_NO_DEFAULT_DEVICE_PLUGIN_LABEL, GkeGpuOperatorQuota } from './gke-gpu-operator';
import { enableFilestoreApi, GKE_STORAGE_ADDONS } from './gke-storage';
import { cloudTaint, execKubeconfig, IClusterTarget } from './target';

/** Arguments of `GkeCluster`. */
export interface GkeClusterArgs {
  readonly clusterName: string;
  /** Kubernetes minor (`'1.36'`); the control plane is pinned to it. */
  readonly kubernetesVersion: string;
  /** Region or zone. */
  readonly location: string;
  readonly systemPool: Required<SystemPoolConfig>;
  /** One node pool per pool; GPU pools get guest accelerators, labels and taints, autoscaled from min. */
  readonly pools: readonly NodePool[];
  /**
   * NVIDIA's gpu-operator, when selected: GPU pools get `gke-no-default-nvidia-gpu-device-plugin`;
   * with `quotaNamespace` (the stack installs it) that namespace gets its PriorityClass quota first.
   * @default - not selected: GKE's own device plugin serves the GPUs
   */
  readonly gpuOperator?: { readonly quotaNamespace?: string };
}

/** The node-pool fields derived from one pool (everything but cluster and location). */
export interface GkeNodePoolSpec {
  readonly name: string;
  readonly initialNodeCount: number;
  readonly autoscaling: { minNodeCount: number; maxNodeCount: number };
  readonly nodeConfig: {
    machineType: string;
    labels: Record<string, string>;
    taints: ReturnType<typeof cloudTaint>[];
    spot: boolean;
    guestAccelerators: { type: string; count: number; gpuDriverInstallationConfig: { gpuDriverVersion: 'DEFAULT' | 'INSTALLATION_DISABLED' } }[];
    oauthScopes: string[];
    shieldedInstanceConfig: { enableSecureBoot: boolean };
  } & GkeGpuNodeConfig;
  readonly placementPolicy?: { type: 'COMPACT' };
  readonly queuedProvisioning?: { enabled: boolean };
}

/** The nodeConfig fields a GPU pool's disks and capacity add (@pulumi/gcp 9.37 container.NodePool). */
export interface GkeGpuNodeConfig {
  diskSizeGb?: number;
  ephemeralStorageLocalSsdConfig?: { localSsdCount: number };
  reservationAffinity?: { consumeReservationType: 'SPECIFIC_RESERVATION' | 'NO_RESERVATION'; key?: string; values?: string[] };
  flexStart?: boolean;
}

/**
 * What a GPU pool's features add to its GKE node pool: boot disk size, local SSDs for ephemeral
 * storage (the machine type's count, A3/A2 Ultra have them fixed), a specific reservation, flex-start
 * and with queued provisioning the ProvisioningRequest-only mode (GKE "provisioningrequest" how-to:
 * `--flex-start --enable-queued-provisioning --reservation-affinity=none`, autoscaled from 0), and
 * compact placement. GPUDirect-TCPX(O) also needs the node pool's additional VPC networks, which the
 * stack does not create yet (UNCONFIRMED shape; pools with GPUDIRECT get compact placement only).
 */
export function gkeGpuFields(pool: NodePool): { nodeConfig: GkeGpuNodeConfig; placementPolicy?: { type: 'COMPACT' }; queuedProvisioning?: { enabled: boolean } } {
  const gpu = pool.gpu;
  if (!gpu) return { nodeConfig: {} };
  const r = gpu.reservation;
  if (r && r.cloud !== 'gcp') throw new Error(`NodePool '${pool.name}': prop 'reservation' is '${r}'; an EC2 reservation cannot back a GKE node pool; use CapacityReservation.gke(name) or gkeFlexStart()`);
  const queued = r?.kind === 'gke-flex-start-queued';
  const nodeConfig: GkeGpuNodeConfig = {
    diskSizeGb: gpu.rootDiskGiB,
    ...(gpu.localNvmeForEphemeralStorage ? { ephemeralStorageLocalSsdConfig: { localSsdCount: gpu.localNvmeCount } } : {}),
    ...(r?.kind === 'gke-reservation' ? { reservationAffinity: { consumeReservationType: 'SPECIFIC_RESERVATION', key: 'compute.googleapis.com/reservation-name', values: [r.id!] } } : {}),
    ...(queued ? { reservationAffinity: { consumeReservationType: 'NO_RESERVATION' } } : {}),
    ...(r?.kind.startsWith('gke-flex-start') ? { flexStart: true } : {}),
  };
  return {
    nodeConfig,
    ...(gpu.compactPlacement || gpu.interconnect.kind === 'gpudirect' ? { placementPolicy: { type: 'COMPACT' as const } } : {}),
    ...(queued ? { queuedProvisioning: { enabled: true } } : {}),
  };
}

/**
 * The GKE node pool of `pool`. GKE taints GPU nodes `nvidia.com/gpu=present:NoSchedule` itself
 * and installs the driver, so the GPU taint is left out here (the pool's tolerations still match);
 * so is `cloud.google.com/gke-queued=true:NoSchedule` of a queued-provisioning pool (GKE's, UNCONFIRMED).
 * With `gpuOperator`, GPU pools also carry `GKE_NO_DEFAULT_DEVICE_PLUGIN_LABEL`: the operator's
 * device plugin serves the GPUs, GKE keeps installing the driver (`gpuDriverVersion: DEFAULT`).
 */
export function gkeNodePoolSpec(pool: NodePool, gpuOperator = false): GkeNodePoolSpec {
  const isGkeTaint = (t: { key: string; effect: string }) => [GPU_TAINT, GKE_QUEUED_TAINT].some((g) => t.key === g.key && t.effect === g.effect);
  const gpu = pool.accelerator?.gkeAcceleratorType !== undefined;
  const dra = pool.draDeviceClass !== undefined;
  const features = gkeGpuFields(pool);
  return {
    name: pool.name,
    initialNodeCount: features.queuedProvisioning ? 0 : pool.minSize,
    autoscaling: { minNodeCount: pool.minSize, maxNodeCount: pool.maxSize },
    nodeConfig: {
      machineType: pool.instanceType,
      // DRA on GKE: no GKE device plugin and no automatic driver install (GKE "set-up-dra": label
      // gke-no-default-nvidia-gpu-device-plugin=true, gpu-driver-version=disabled; GKE 1.34+, not Autopilot).
      labels: { ...pool.nodeLabels(), ...(gpu && (gpuOperator || dra) ? GKE_NO_DEFAULT_DEVICE_PLUGIN_LABEL : {}) },
      taints: pool.nodeTaints().filter((t) => !isGkeTaint(t)).map(cloudTaint),
      spot: pool.capacityType === CapacityType.SPOT,
      guestAccelerators: pool.accelerator?.gkeAcceleratorType
        ? [{ type: pool.accelerator.gkeAcceleratorType, count: pool.gpusPerNode, gpuDriverInstallationConfig: { gpuDriverVersion: dra ? 'INSTALLATION_DISABLED' : 'DEFAULT' } }]
        : [],
      oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
      shieldedInstanceConfig: { enableSecureBoot: true },
      ...features.nodeConfig,
    },
    ...(features.placementPolicy ? { placementPolicy: features.placementPolicy } : {}),
    ...(features.queuedProvisioning ? { queuedProvisioning: features.queuedProvisioning } : {}),
  };
}

/**
 * GKE Dataplane V2 (Cilium): enforces NetworkPolicy without the Calico add-on (which must not be
 * set with it); it needs a VPC-native cluster (alias IPs, GKE-managed ranges). `datapathProvider`
 * of the pinned `@pulumi/gcp` container.Cluster ("Set to `ADVANCED_DATAPATH` to enable Dataplane v2").
 * Fixed at creation: changing it replaces the cluster.
 */
export const GKE_NETWORK_POLICY = Object.freeze({ datapathProvider: 'ADVANCED_DATAPATH', networkingMode: 'VPC_NATIVE' });

/** A GKE cluster (default pool removed) with a system node pool and one node pool per pool; NetworkPolicies enforced. */
export class GkeCluster extends pulumi.ComponentResource implements IClusterTarget {
  public readonly cluster: container.Cluster;
  public readonly nodePools: Record<string, container.NodePool>;
  public readonly provider: k8s.Provider;
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly nodes: pulumi.Resource[];
  public readonly operatorPrerequisites: Partial<Record<OperatorName, pulumi.Resource[]>> = {};

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('mlp:cluster:GkeCluster', name, {}, opts);
    // The GKE storage profile: Persistent Disk and Filestore CSI drivers (`standard-rwx`).
    const filestoreApi = enableFilestoreApi(name, this);
    this.cluster = new container.Cluster(`${name}-cluster`, {
      addonsConfig: GKE_STORAGE_ADDONS,
      name: args.clusterName,
      location: args.location,
      minMasterVersion: args.kubernetesVersion,
      // Pinned version: no release channel upgrading it underneath the pinned operators.
      releaseChannel: { channel: 'UNSPECIFIED' },
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      deletionProtection: true,
      ...GKE_NETWORK_POLICY,
      ipAllocationPolicy: {},
    }, { parent: this, dependsOn: [filestoreApi] });
    const pool = (id: string, spec: GkeNodePoolSpec) => new container.NodePool(`${name}-${id}`, {
      ...spec,
      cluster: this.cluster.name,
      location: args.location,
      // Nodes follow the pinned control-plane version; GKE upgrades them only when it moves.
      management: { autoRepair: true, autoUpgrade: false },
    }, { parent: this, ignoreChanges: ['initialNodeCount'] });
    const system = pool('system', {
      name: 'system', initialNodeCount: args.systemPool.minSize,
      autoscaling: { minNodeCount: args.systemPool.minSize, maxNodeCount: args.systemPool.maxSize },
      nodeConfig: {
        machineType: args.systemPool.instanceType, labels: {}, taints: [], spot: false, guestAccelerators: [],
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'], shieldedInstanceConfig: { enableSecureBoot: true },
      },
    });
    this.nodePools = { system };
    for (const p of args.pools) this.nodePools[p.name] = pool(`pool-${p.name}`, gkeNodePoolSpec(p, args.gpuOperator !== undefined));
    this.nodes = Object.values(this.nodePools);

    this.kubeconfig = pulumi.secret(pulumi.all([this.cluster.name, this.cluster.endpoint, this.cluster.masterAuth])
      .apply(([clusterName, endpoint, auth]) => execKubeconfig(clusterName, `https://${endpoint}`, auth.clusterCaCertificate ?? '', 'gke-gcloud-auth-plugin', [])));
    this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this });
    const quotaNamespace = args.gpuOperator?.quotaNamespace;
    if (quotaNamespace) {
      const quota = new GkeGpuOperatorQuota(`${name}-gpu-operator`, { namespace: quotaNamespace, provider: this.provider }, { parent: this, dependsOn: this.nodes });
      this.operatorPrerequisites = { 'gpu-operator': quota.ready };
    }
    this.registerOutputs({ kubeconfig: this.kubeconfig, clusterName: this.cluster.name });
  }
}
