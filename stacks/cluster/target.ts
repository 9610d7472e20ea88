import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { NodeTaint, TaintEffect } from '../../constructs/cluster/node-pool';
import type { OperatorName } from '../operators/versions';

/** What every cluster component gives the rest of the stack. */
export interface IClusterTarget {
  /** Provider every Kubernetes resource of the stack is created with. */
  readonly provider: k8s.Provider;
  /** Kubeconfig of the cluster (secret); empty for the local stack, which uses the user's own. */
  readonly kubeconfig: pulumi.Output<string>;
  /** Resources that must exist before operators are installed (node groups, node labels). */
  readonly nodes: pulumi.Resource[];
  /** Per operator, cluster-side resources its install waits for (e.g. the autoscaler's IAM). @default - none */
  readonly operatorPrerequisites?: Partial<Record<OperatorName, pulumi.Resource[]>>;
}

/** `NoSchedule` → `NO_SCHEDULE`: the spelling both EKS and GKE APIs use for taint effects. */
export function cloudTaintEffect(effect: TaintEffect): 'NO_SCHEDULE' | 'NO_EXECUTE' | 'PREFER_NO_SCHEDULE' {
  switch (effect) {
    case TaintEffect.NO_SCHEDULE: return 'NO_SCHEDULE';
    case TaintEffect.NO_EXECUTE: return 'NO_EXECUTE';
    case TaintEffect.PREFER_NO_SCHEDULE: return 'PREFER_NO_SCHEDULE';
  }
}

/** A pool taint in the cloud APIs' shape (`value` is required there; empty when the taint has none). */
export function cloudTaint(t: NodeTaint): { key: string; value: string; effect: ReturnType<typeof cloudTaintEffect> } {
  return { key: t.key, value: t.value ?? '', effect: cloudTaintEffect(t.effect) };
}

/**
 * A kubeconfig (JSON, which kubectl reads as YAML) whose user runs `command args` to get a token:
 * no long-lived credential is stored in the stack.
 */
export function execKubeconfig(name: string, server: string, caData: string, command: string, args: string[]): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': caData } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    users: [{ name, user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command, args, interactiveMode: 'Never' } } }],
  });
}

/**
 * A component's own `dependsOn`, for its top-level children: Pulumi does not make the children
 * of a component wait for the component's dependencies, so each component hands them down.
 */
export function upstreamOf(opts: pulumi.ComponentResourceOptions | undefined): pulumi.Input<pulumi.Resource>[] {
  const d = opts?.dependsOn;
  if (d === undefined) return [];
  return Array.isArray(d) ? [...d] : [d as pulumi.Input<pulumi.Resource>];
}
