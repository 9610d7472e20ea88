import { ApiObject, ApiObjectProps, Chart, Size } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { ContainerResources, renderResources, sizeQuantity } from './compute';
import { propError } from './errors';
import { ContainerImage } from './image';
import { NameRule, validateName } from './names';
import { GpuClaim, PodPlacement } from './pod-placement';
import { NON_ROOT_ID, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security';
import { VolumeAttachment } from './volume-types';
import { derivedWorkingDirectory } from './working-directory';

/** What runs in a workload's main container. */
export interface ContainerSpec {
  /** Pinned image. */
  readonly image: ContainerImage;
  /**
   * Entrypoint.
   * @default - the image's entrypoint
   */
  readonly command?: readonly string[];
  /** @default - none */
  readonly args?: readonly string[];
  /**
   * On a container with GPUs, laid over the pool's interconnect settings (`interconnectEnv`, e.g.
   * EFA's FI_PROVIDER): a name given here wins.
   * @default - none
   */
  readonly env?: Readonly<Record<string, string>>;
  /** @default - DEFAULT_RESOURCES (500m CPU, 1 GiB) */
  readonly resources?: ContainerResources;
  /**
   * GPUs for the container, taken from the pool's accelerator.
   * @default 0
   */
  readonly gpus?: number;
}

/** Everything a pod template is derived from. */
export interface PodTemplateOptions {
  /** Path of the construct asking, for error messages. */
  readonly owner: string;
  readonly containerName: string;
  readonly container: ContainerSpec;
  /** Nodes to run on (a NodePool): yields nodeSelector, tolerations and the GPU resource. */
  readonly pool: PodPlacement;
  /** @default - none */
  readonly volumes?: readonly VolumeAttachment[];
  /** @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
  /** @default - the pod spec default (Always) */
  readonly restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  /** @default - the namespace's default service account */
  readonly serviceAccountName?: string;
  /**
   * Size of a memory-backed /dev/shm (NCCL and PyTorch data loaders need more than the 64 MiB default).
   * @default - no /dev/shm volume
   */
  readonly sharedMemory?: Size;
  /** Container ports. @default - none */
  readonly ports?: readonly k8s.ContainerPort[];
  /**
   * The construct whose chart receives objects the pod needs beside it: the ResourceClaimTemplate
   * of a DRA pool's GPUs (`podTemplateJson` only).
   * @default - none: a DRA pool's GPUs are an error
   */
  readonly scope?: IConstruct;
  /** @default - none */
  readonly readinessProbe?: k8s.Probe;
  /** @default - none */
  readonly livenessProbe?: k8s.Probe;
}

/** Environment variables as a sorted list (deterministic output). */
export function renderEnv(env: Readonly<Record<string, string>> = {}): k8s.EnvVar[] | undefined {
  const entries = Object.entries(env).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([name, value]) => ({ name, value })) : undefined;
}

/**
 * The working directory the container gets when its program writes relative paths its user
 * (NON_ROOT_ID, restricted) could not write in the image's WORKDIR (`working-directory.ts`).
 */
function workingDirectoryOf(options: PodTemplateOptions) {
  return derivedWorkingDirectory(options.container, options.volumes ?? [], NON_ROOT_ID);
}

/**
 * Volumes the container needs besides `options.volumes` (a derived working directory). The pod
 * must have them: `renderPodSpec` adds them; callers of `renderContainer` alone add them too.
 */
export function containerVolumes(options: PodTemplateOptions): k8s.Volume[] {
  const workdir = workingDirectoryOf(options);
  return workdir ? [workdir.attachment.volume] : [];
}

/**
 * The main container: pinned image, requests and limits (plus GPUs from the pool), restricted
 * security context, and a writable working directory when its program writes relative paths.
 */
export function renderContainer(options: PodTemplateOptions): k8s.Container {
  return containerWithGpus(options, undefined);
}

/**
 * The DRA claim of the container's GPUs, when its pool allocates through DRA (undefined for the
 * device plugin or no GPUs).
 */
function gpuClaimOf(options: PodTemplateOptions): GpuClaim | undefined {
  return podGpuClaim(options.owner, options.pool, options.container.gpus);
}

/**
 * A container's resources and env for `gpus` GPUs on `pool` (any container kind: pod templates,
 * a KServe predictor's model): `nvidia.com/gpu` and the interconnect's devices, or with `claim`
 * the DRA claim's name and the interconnect's devices alone (they stay extended resources either
 * way); the interconnect's NCCL settings laid under `env` (a name the caller sets wins).
 */
export function gpuContainerFields(
  owner: string, pool: PodPlacement, gpus: number, claim: GpuClaim | undefined,
  base: { readonly resources?: ContainerResources; readonly env?: Readonly<Record<string, string>> },
): { resources: k8s.ResourceRequirements; env: Readonly<Record<string, string>> | undefined } {
  const interconnect = claim ? pool.interconnectResources?.(gpus) ?? {} : {};
  const gpuResources = gpus > 0 && !claim ? pool.gpuResources(gpus, { scope: owner, prop: 'gpus' })
    : Object.keys(interconnect).length ? { requests: { ...interconnect }, limits: { ...interconnect } } : undefined;
  const resources = renderResources(owner, base.resources, gpuResources);
  return {
    resources: claim ? { ...resources, claims: [{ name: claim.name }] } : resources,
    env: gpus > 0 ? { ...pool.interconnectEnv?.(gpus), ...base.env } : base.env,
  };
}

/** The main container; with `claim` its GPUs are that DRA claim, else `nvidia.com/gpu` (which a DRA pool refuses). */
function containerWithGpus(options: PodTemplateOptions, claim: GpuClaim | undefined): k8s.Container {
  const { owner, container, pool } = options;
  validateName(owner, 'containerName', options.containerName, NameRule.DNS_LABEL);
  const gpus = container.gpus ?? 0;
  if (gpus < 0 || !Number.isInteger(gpus)) throw propError(owner, 'gpus', gpus, 'use a whole number >= 0');
  const { resources, env } = gpuContainerFields(owner, pool, gpus, claim, container);
  const mounts = (options.volumes ?? []).map((v) => v.mount);
  if (options.sharedMemory) mounts.push({ name: 'dshm', mountPath: '/dev/shm' });
  const workdir = workingDirectoryOf(options);
  if (workdir) mounts.push(workdir.attachment.mount);
  return {
    name: options.containerName,
    image: container.image.toString(),
    imagePullPolicy: 'IfNotPresent',
    command: container.command ? [...container.command] : undefined,
    args: container.args ? [...container.args] : undefined,
    workingDir: workdir?.workingDir,
    env: renderEnv(env),
    ports: options.ports ? [...options.ports] : undefined,
    resources,
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: mounts.length ? mounts : undefined,
    readinessProbe: options.readinessProbe,
    livenessProbe: options.livenessProbe,
  };
}

/**
 * A pod spec derived from the pool (nodeSelector, tolerations) with the restricted security context.
 * With `claim` (`podGpuClaim`), the container's GPUs are that DRA claim: the caller writes the pod's
 * claim into its object (`typedWorkload`).
 */
export function renderPodSpec(options: PodTemplateOptions, claim?: GpuClaim): k8s.PodSpec {
  return podSpecWithGpus(options, claim);
}

/** The DRA claim of a pod with `gpus` GPUs on `pool` (undefined for the device plugin or no GPUs). */
export function podGpuClaim(owner: string, pool: PodPlacement, gpus: number | undefined): GpuClaim | undefined {
  const count = gpus ?? 0;
  return count > 0 && Number.isInteger(count) ? pool.gpuClaim?.(count, { scope: owner, prop: 'gpus' }) : undefined;
}

/**
 * A workload object from the JSON of its typed props (`k8s.toJson_*Props`), with its pods' DRA claim
 * written at `podSpecPath` and the pool's ResourceClaimTemplate beside it. cdk8s-plus-27's L1 classes
 * know pod claims only in their pre-1.31 shape and drop unknown keys, so a workload with a claim is
 * a plain ApiObject; without one, `typed` makes the usual L1 object.
 */
export function typedWorkload(
  scope: Construct, head: { apiVersion: string; kind: string }, json: Record<string, any> | undefined, claim: GpuClaim | undefined, podSpecPath: readonly string[], typed: () => ApiObject,
): ApiObject {
  if (!claim) return typed();
  emitClaimTemplate(scope, claim);
  const copy = JSON.parse(JSON.stringify(json));
  const spec = podSpecPath.reduce((o, key) => o[key], copy);
  spec.resourceClaims = [{ name: claim.name, resourceClaimTemplateName: claim.templateName }];
  return new ApiObject(scope, 'Resource', { ...head, ...copy });
}

function podSpecWithGpus(options: PodTemplateOptions, claim: GpuClaim | undefined): k8s.PodSpec {
  const volumes = dedupeVolumes(options.owner, [...(options.volumes ?? []).map((v) => v.volume), ...containerVolumes(options)]);
  if (options.sharedMemory) {
    volumes.push({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: sizeQuantity(options.sharedMemory) } });
  }
  const tolerations = options.pool.tolerations();
  return {
    restartPolicy: options.restartPolicy,
    serviceAccountName: options.serviceAccountName,
    // Workload pods never talk to the API server unless a construct says so.
    automountServiceAccountToken: options.serviceAccountName ? undefined : false,
    securityContext: restrictedPodSecurityContext(),
    nodeSelector: options.pool.nodeSelector(),
    tolerations: tolerations.length ? tolerations : undefined,
    containers: [containerWithGpus(options, claim)],
    volumes: volumes.length ? volumes : undefined,
  };
}

/** A pod template: labels and annotations plus `renderPodSpec` (with `claim`, as it says). */
export function renderPodTemplate(options: PodTemplateOptions, claim?: GpuClaim): k8s.PodTemplateSpec {
  return podTemplateWithGpus(options, claim);
}

function podTemplateWithGpus(options: PodTemplateOptions, claim: GpuClaim | undefined): k8s.PodTemplateSpec {
  const hasMeta = options.labels !== undefined || options.annotations !== undefined;
  return {
    metadata: hasMeta ? { labels: options.labels ? { ...options.labels } : undefined, annotations: options.annotations ? { ...options.annotations } : undefined } : undefined,
    spec: podSpecWithGpus(options, claim),
  };
}

/** The same claim mounted twice (e.g. at two paths) is one volume. */
function dedupeVolumes(owner: string, volumes: k8s.Volume[]): k8s.Volume[] {
  const byName = new Map<string, k8s.Volume>();
  for (const v of volumes) {
    const seen = byName.get(v.name);
    if (seen && JSON.stringify(seen) !== JSON.stringify(v)) {
      throw propError(owner, 'volumes', v.name, 'two different volumes share this name; give each a distinct name');
    }
    byName.set(v.name, v);
  }
  return [...byName.values()];
}

/** JSON of a pod template, for custom resources whose import leaves the template open. */
export function podTemplateJson(options: PodTemplateOptions): Record<string, unknown> {
  const claim = gpuClaimOf(options);
  const json = k8s.toJson_PodTemplateSpec(podTemplateWithGpus(options, claim)) as Record<string, any>;
  if (!claim) return json;
  if (!options.scope) throw propError(options.owner, 'pool', String(options.pool), 'it allocates GPUs through DRA, and this workload has no chart to put the ResourceClaimTemplate in; use a device-plugin pool');
  emitClaimTemplate(options.scope, claim);
  // cdk8s-plus-27 types PodResourceClaim in its pre-1.31 shape (`source`); resource.k8s.io/v1 pods
  // name the template directly, so the claim is written into the JSON here.
  json.spec.resourceClaims = [{ name: claim.name, resourceClaimTemplateName: claim.templateName }];
  return json;
}

/** The claim's ResourceClaimTemplate, once per chart (one per pool and GPU count). */
export function emitClaimTemplate(scope: IConstruct, claim: GpuClaim): void {
  const chart = Chart.of(scope);
  const id = `gpu-claim-${claim.templateName}`;
  if (!chart.node.tryFindChild(id)) new ApiObject(chart, id, claim.template as unknown as ApiObjectProps);
}
