/**
 * Typed Helm values for each operator. Known keys are typed; the open `[k: string]: unknown`
 * index is the escape hatch. Builders are pure and serialize with sorted keys (stable diffs).
 */
import { NodePool } from '../../constructs/cluster/node-pool';
import { KUBERNETES_MINOR } from '../../constructs/core/versions';
import { ClusterKind } from '../config';
import { OperatorName, OperatorRelease, releasesFor } from './versions';

/** A Kubernetes toleration as Helm values carry it. */
export interface TolerationValue {
  readonly key: string;
  readonly operator: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect: string;
}

/** Values of the cert-manager chart. */
export interface CertManagerValues {
  /** Install and upgrade the CRDs from templates (Helm never upgrades a chart's crds/ folder). */
  readonly crds: { readonly enabled: boolean; readonly keep: boolean };
  readonly [k: string]: unknown;
}

/** Values of NVIDIA's gpu-operator chart. */
export interface GpuOperatorValues {
  /** Install the driver container; managed clusters (EKS NVIDIA AMI, GKE) ship the driver already. */
  readonly driver: { readonly enabled: boolean };
  readonly toolkit: { readonly enabled: boolean };
  /** DCGM exporter: GPU metrics, scraped through a ServiceMonitor when monitoring is installed. */
  readonly dcgmExporter: { readonly enabled: boolean; readonly serviceMonitor: { readonly enabled: boolean } };
  /** Tolerations of the operator's daemonsets: exactly the GPU pools' taints. */
  readonly daemonsets: { readonly tolerations: readonly TolerationValue[] };
  readonly [k: string]: unknown;
}

/** Values of the kube-prometheus-stack chart. */
export interface KubePrometheusStackValues {
  readonly crds: { readonly enabled: boolean };
  /** Pick up ServiceMonitors/PodMonitors from every namespace, not only the release's. */
  readonly prometheus: { readonly prometheusSpec: { readonly serviceMonitorSelectorNilUsesHelmValues: boolean; readonly podMonitorSelectorNilUsesHelmValues: boolean } };
  readonly [k: string]: unknown;
}

/** Values of the argo-workflows chart. */
export interface ArgoWorkflowsValues {
  readonly crds: { readonly install: boolean; readonly keep: boolean };
  /** Image tag of controller, server and executor: the pinned appVersion, not the chart's default. */
  readonly images: { readonly tag: string };
  /** `client` auth: the UI acts with the caller's own Kubernetes token (no shared identity). */
  readonly server: { readonly authModes: readonly ('client' | 'server' | 'sso')[]; readonly serviceType: 'ClusterIP' };
  readonly [k: string]: unknown;
}

/** Values of the kserve chart. */
export interface KServeValues {
  readonly kserve: {
    readonly controller: {
      /**
       * Default for InferenceServices without the annotation: `Standard` (Deployment + HPA, no
       * Knative/Istio; called `RawDeployment` before KServe 0.16) or `Knative` (was `Serverless`).
       */
      readonly deploymentMode: 'Standard' | 'Knative';
      readonly gateway: { readonly domain: string };
    };
  };
  readonly [k: string]: unknown;
}

/** Values of the kueue chart. */
export interface KueueValues {
  readonly enableCertManager: boolean;
  readonly enablePrometheus: boolean;
  readonly [k: string]: unknown;
}

/** Everything the values builders read: the selection, the cluster kind, the pools, the domain. */
export interface ValuesContext {
  /** The pinned releases being installed (image tags come from their appVersion). */
  readonly releases?: readonly OperatorRelease[];
  readonly cluster: ClusterKind;
  readonly pools: readonly NodePool[];
  readonly operators: readonly OperatorName[];
  readonly domain: string;
}

/** Tolerations for every taint of every GPU pool, deduplicated (derived from the pool model). */
export function gpuPoolTolerations(pools: readonly NodePool[]): TolerationValue[] {
  const seen = new Map<string, TolerationValue>();
  for (const pool of pools.filter((p) => p.isGpu)) {
    for (const t of pool.tolerations()) {
      const v: TolerationValue = t.value === undefined
        ? { key: t.key!, operator: 'Exists', effect: t.effect! }
        : { key: t.key!, operator: 'Equal', value: t.value, effect: t.effect! };
      seen.set(JSON.stringify(v), v);
    }
  }
  return [...seen.values()];
}

/** Helm values for `name` (undefined for kustomize-installed operators), keys sorted. */
export function operatorValues(name: OperatorName, ctx: ValuesContext): Record<string, unknown> | undefined {
  const monitoring = ctx.operators.includes('kube-prometheus-stack');
  const certManager = ctx.operators.includes('cert-manager');
  switch (name) {
    case 'cert-manager':
      return sortKeys({ crds: { enabled: true, keep: true } } satisfies CertManagerValues);
    case 'gpu-operator':
      return sortKeys({
        driver: { enabled: ctx.cluster === 'local' },
        toolkit: { enabled: ctx.cluster === 'local' },
        dcgmExporter: { enabled: true, serviceMonitor: { enabled: monitoring } },
        daemonsets: { tolerations: gpuPoolTolerations(ctx.pools) },
      } satisfies GpuOperatorValues);
    case 'kube-prometheus-stack':
      return sortKeys({
        crds: { enabled: true },
        prometheus: { prometheusSpec: { serviceMonitorSelectorNilUsesHelmValues: false, podMonitorSelectorNilUsesHelmValues: false } },
      } satisfies KubePrometheusStackValues);
    case 'argo-workflows':
      return sortKeys({
        crds: { install: true, keep: true },
        images: { tag: ctx.releases?.find((r) => r.name === 'argo-workflows')?.appVersion ?? releasesFor(KUBERNETES_MINOR)['argo-workflows'].appVersion },
        server: { authModes: ['client'], serviceType: 'ClusterIP' },
      } satisfies ArgoWorkflowsValues);
    case 'kserve':
      return sortKeys({
        kserve: { controller: { deploymentMode: 'Standard', gateway: { domain: ctx.domain } } },
      } satisfies KServeValues);
    case 'kueue':
      return sortKeys({ enableCertManager: certManager, enablePrometheus: monitoring } satisfies KueueValues);
    case 'kserve-crd':
    case 'volcano':
      return {};
    case 'training-operator':
      return undefined;
  }
}

/** Deep copy with object keys sorted, so serialized values never reorder between runs. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as object).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out as T;
  }
  return value;
}
