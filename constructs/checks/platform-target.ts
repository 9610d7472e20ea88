import { arrayOf, like, requireValue } from '../core/required-props';
import type { ImageFacts } from '../core/image';
import { StorageProfile } from '../core/storage-profile';
import type { StorageClassRef } from '../core/volume-types';

/**
 * What the cluster the manifests are meant for provides: which operators serve which kinds and how
 * they are configured, the schedulers, the metrics APIs and the storage. The stacks derive it from
 * their config and version map (stacks/operators/platform-target.ts); `buildPlatform()` builds the
 * example charts for the local stack's default target. Rules that need it are skipped without one.
 */
export interface PlatformTarget {
  /** Who declares this target, for messages (e.g. "the local stack's config"). */
  readonly source: string;
  /** `group/Kind` of every custom resource kind served → the operator that serves it. */
  readonly servedKinds: ReadonlyMap<string, string>;
  /**
   * Kinds the stack's version map could install, with the operator to add (hints in messages).
   * @default - no hints
   */
  readonly installableKinds?: ReadonlyMap<string, string>;
  /** Namespaces that exist without the charts creating them (made by hand or another tool). @default - none */
  readonly existingNamespaces?: readonly string[];
  /** Operators installed (names of the version map), for messages and companion checks. */
  readonly operators: readonly string[];
  /** Scheduler names a pod may name (`default-scheduler` plus second schedulers). */
  readonly schedulers: ReadonlySet<string>;
  /** The Kubeflow training-operator's configuration, when installed. */
  readonly trainingOperator?: TrainingOperatorSettings;
  /** Kueue's configuration, when installed. */
  readonly kueue?: KueueSettings;
  /** KServe's configuration, when installed. */
  readonly kserve?: KServeSettings;
  /** Argo Workflows' configuration, when installed. */
  readonly argo?: ArgoSettings;
  /** Metrics APIs HPAs can read: metrics.k8s.io, custom.metrics.k8s.io, external.metrics.k8s.io. */
  readonly metricsApis: { readonly resource: boolean; readonly custom: boolean; readonly external: boolean };
  /** The cluster's StorageClasses. */
  readonly storage: StorageProfile;
  /**
   * Node pools by name (the `mlpatterns.dev/node-pool` label value): how many nodes each can have
   * and what one node leaves to pods. A pool of one node keeps every pod that selects it on one
   * node; a pod larger than a node of its pool never schedules.
   * @default - unknown: any pool may have several nodes of any size
   */
  readonly nodePools?: ReadonlyMap<string, PoolShape>;
  /** Prometheus (prometheus-operator), when installed: where it runs, what it selects. */
  readonly prometheus?: PrometheusSettings;
  /**
   * What exists without the charts making it (`withExternals(target, { ... })`): not reported.
   * @default - nothing declared: such references are warnings
   */
  readonly externals?: DeclaredExternals;
  /**
   * The checked objects are everything the cluster gets besides `externals` (a stack's plan: its
   * teams, its selected charts). A PriorityClass or LocalQueue neither deployed nor declared is
   * then an error; otherwise a warning, since it may exist without the charts (an admin's).
   * @default false
   */
  readonly wholeDeployment?: boolean;
  /**
   * The DRA driver the target's operators install and the DeviceClasses it creates (the
   * gpu-operator's GPUCluster stack). A claim naming another class of that driver's domain is an
   * error; any other unknown class a warning.
   * @default - no DRA driver installed
   */
  readonly draDriver?: { readonly name: string; readonly domain: string; readonly deviceClasses: readonly string[] };
}

/** What a node pool offers: node count and one node's allocatable resources. */
export interface PoolShape {
  readonly maxNodes: number;
  readonly cpuMillis: number;
  readonly memoryMebibytes: number;
  /** GPUs one node offers pods: its `nvidia.com/gpu`, a MIG slice or a time-slicing/MPS share counting one. */
  readonly gpus: number;
}

/** The fields of a NodePool a shape is computed from. */
type NodePoolShape = Parameters<typeof poolShapes>[0][number];

/** The shapes of node pools, keyed by pool name (for `PlatformTarget.nodePools`). */
export function poolShapes(pools: readonly { name: string; maxSize: number; cpuPerNode: number; memoryPerNode: { toMebibytes(): number }; gpusPerNode: number; gpuUnitsPerNode?: number }[]): Map<string, PoolShape> {
  requireValue('poolShapes', 'pools', pools, arrayOf(like<NodePoolShape>({ name: 'string', maxSize: 'number', cpuPerNode: 'number', memoryPerNode: 'object', gpusPerNode: 'number' }, 'a NodePool')));
  // A shared GPU is several `nvidia.com/gpu` to pods (MIG slices, time-slicing or MPS shares): count those.
  return new Map(pools.map((p) => [p.name, { maxNodes: p.maxSize, cpuMillis: Math.round(p.cpuPerNode * 1000), memoryMebibytes: p.memoryPerNode.toMebibytes(), gpus: p.gpuUnitsPerNode ?? p.gpusPerNode }] as const));
}

/** Flags of the training-operator that change what it does with our jobs. */
export interface TrainingOperatorSettings {
  /** `--gang-scheduler-name`: 'volcano' or a scheduler-plugins scheduler name; undefined = gang scheduling off. */
  readonly gangScheduler?: string;
  /** True when `--pytorch-init-container-template-file` gives `init-pytorch` a restricted securityContext. */
  readonly restrictedPyTorchInitContainer: boolean;
}

/** Kueue manager configuration (config.kueue.x-k8s.io Configuration). */
export interface KueueSettings {
  /** `integrations.frameworks` (e.g. `kubeflow.org/tfjob`, `batch/job`, `pod`). */
  readonly frameworks: readonly string[];
  /** `fairSharing.enable`. */
  readonly fairSharing: boolean;
  /**
   * `resources.excludeResourcePrefixes`: resources Kueue leaves out of quota. Any other resource a
   * queued pod requests must be covered by its ClusterQueue, or Kueue never admits it.
   * @default - none
   */
  readonly excludedResourcePrefixes?: readonly string[];
}

/** KServe controller configuration. */
export interface KServeSettings {
  /** The default deployment mode (`inferenceservice-config` `deploy.defaultDeploymentMode`). */
  readonly defaultDeploymentMode: 'Standard' | 'Knative';
  /** True when Knative Serving is installed (needed by Knative-mode InferenceServices). */
  readonly knative: boolean;
  /**
   * The ClusterServingRuntimes the install provides (KServe v0.20.0 ships them in the separate
   * `kserve-runtime-configs` chart, rendered only with `kserve.servingruntime.enabled`); empty when
   * none is installed. An InferenceService's model format needs one of these or a ServingRuntime of
   * the charts.
   */
  readonly clusterServingRuntimes: readonly ServingRuntimeFacts[];
}

/** What KServe's runtime selection reads of a (Cluster)ServingRuntime. */
export interface ServingRuntimeFacts {
  readonly name: string;
  /** `spec.disabled`. */
  readonly disabled: boolean;
  /** `spec.protocolVersions` (KServe assumes `v1` when empty). */
  readonly protocolVersions: readonly string[];
  /** `spec.supportedModelFormats`. */
  readonly supportedModelFormats: readonly { readonly name: string; readonly version?: string; readonly autoSelect: boolean; readonly priority?: number }[];
  /**
   * `spec.workerSpec` is set (e.g. `kserve-huggingfaceserver-multinode`): auto-selected only for
   * predictors with a `workerSpec`, and never for one without.
   * @default false
   */
  readonly multiNode?: boolean;
}

/** Argo Workflows controller configuration. */
export interface ArgoSettings {
  /** The controller has a default artifact repository (`artifactRepository` in its ConfigMap). */
  readonly artifactRepository: boolean;
  /**
   * The controller's own identity may create and update ConfigMaps: memoization saves its cache
   * with that client (argo-workflows `workflow/controller/cache/configmap_cache.go` Save), and a
   * failed save errors the node. argo-helm grants it only with `controller.rbac.writeConfigMaps`.
   */
  readonly controllerWritesConfigMaps: boolean;
}

/** Where Prometheus runs and which monitors it picks up. */
export interface PrometheusSettings {
  readonly namespace: string;
  /** Metric names something in the cluster exports besides the charts' own targets (exporters the stack installs). */
  readonly exportedMetrics: readonly string[];
}

/**
 * What exists on the cluster without the charts making it, declared once on the target instead of
 * failing the checks: the admin's StorageClasses, namespaces made by hand or another tool,
 * ServiceAccounts bound to cloud identities (IRSA, Workload Identity), cluster PriorityClasses,
 * metrics from out-of-chart exporters and adapters, claims bound to static volumes or filled
 * outside, images and their facts. What is neither deployed nor declared is a warning where the
 * project cannot know (an error only where the manifests or an upstream fact say it fails). Declare them with
 * `withExternals(target, externals)` (`declared-externals.ts`).
 */
export interface DeclaredExternals {
  /** StorageClasses the admin created, with the access modes each provides. @default - none */
  readonly storageClasses?: readonly StorageClassRef[];
  /** Namespaces that exist already. @default - none */
  readonly namespaces?: readonly string[];
  /** ServiceAccounts made outside the charts, as `namespace/name`. @default - none */
  readonly serviceAccounts?: readonly string[];
  /** PriorityClasses the cluster admin created. @default - none */
  readonly priorityClasses?: readonly string[];
  /** Metric names (or `prefix*`) something outside the charts exports to the cluster's Prometheus. @default - none */
  readonly metrics?: readonly string[];
  /** Metrics APIs adapters installed out of band serve (e.g. prometheus-adapter: custom). @default - none */
  readonly metricsApis?: { readonly resource?: boolean; readonly custom?: boolean; readonly external?: boolean };
  /**
   * LocalQueues another deployment makes (the stack's `teams` config), as `namespace/name`.
   * @default - none
   */
  readonly localQueues?: readonly string[];
  /** Claims bound to a statically provisioned volume or filled outside, as `namespace/name`. @default - none */
  readonly claims?: readonly string[];
  /** Images by reference and what their Dockerfiles say (as `ContainerImage.withFacts`). @default - none */
  readonly images?: Readonly<Record<string, ImageFacts>>;
  /** DeviceClasses a DRA driver installed out of band creates. @default - none */
  readonly deviceClasses?: readonly string[];
}

