/**
 * What NVIDIA's GPU operator needs from a GKE cluster when Google's driver installer keeps the
 * driver (NVIDIA cloud-native-docs `gpu-operator/google-gke.rst`, "Using the Google Driver
 * Installer"): GPU nodes labelled so GKE's own device plugin stays off (the operator's takes
 * over), and, in the operator's namespace before the chart, a ResourceQuota for the critical
 * PriorityClasses: GKE admits `system-node-critical` / `system-cluster-critical` pods only in
 * namespaces with such a quota (the chart's daemonsets and operator use `system-node-critical`,
 * gpu-operator v26.7.0 values.yaml). The chart values for GKE are `gkeGpuOperatorValues`.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';

/** "The node label disables the GKE GPU device plugin daemon set on GPU nodes" (google-gke.rst). */
export const GKE_NO_DEFAULT_DEVICE_PLUGIN_LABEL = Object.freeze({ 'gke-no-default-nvidia-gpu-device-plugin': 'true' });

/** The quota of NVIDIA's `manifests/input/google-gke-gpu-operator-quota.yaml`. */
export function gpuOperatorQuotaSpec(): Record<string, unknown> {
  return {
    hard: { pods: '100' },
    scopeSelector: { matchExpressions: [{ operator: 'In', scopeName: 'PriorityClass', values: ['system-node-critical', 'system-cluster-critical'] }] },
  };
}

/**
 * The gpu-operator's namespace and its PriorityClass quota, created before the chart (the
 * stack's gpu-operator install waits for `ready`). Helm's createNamespace keeps an existing one.
 */
export class GkeGpuOperatorQuota extends pulumi.ComponentResource {
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: { namespace: string; provider: k8s.Provider }, opts?: pulumi.ComponentResourceOptions) {
    super('mlp:cluster:GkeGpuOperatorQuota', name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const ns = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: args.namespace } }, child);
    const quota = new k8s.core.v1.ResourceQuota(`${name}-quota`, {
      metadata: { name: 'gpu-operator-quota', namespace: args.namespace },
      spec: gpuOperatorQuotaSpec(),
    }, { ...child, dependsOn: [ns] });
    this.ready = [quota];
    this.registerOutputs({});
  }
}
