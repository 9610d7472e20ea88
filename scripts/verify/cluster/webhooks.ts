// Admission webhook configurations for operators running as local processes: the upstream
// configuration documents with every clientConfig pointed at https://127.0.0.1:<port><path> and
// the run's CA bundle. Pure functions (unit-tested by test/verify/cluster/).

import type { KubeObject } from '../core/objects';

const WEBHOOK_KINDS = new Set(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);

/**
 * Kueue: the namespaceSelector upstream's config/components/webhook/kustomization.yaml (v0.19.2)
 * puts on the webhooks of workload kinds, so Kueue never intercepts its own or kube-system pods.
 * Kueue's own kinds (kueue.x-k8s.io) keep no selector.
 */
export const KUEUE_WORKLOAD_NAMESPACE_SELECTOR = Object.freeze({
  matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kueue-system'] }],
});

function isKueueOwnKindWebhook(webhook: KubeObject): boolean {
  return (webhook.rules || []).every((r: KubeObject) => (r.apiGroups || []).every((g: string) => g === 'kueue.x-k8s.io'));
}

/**
 * docs: parsed documents of an upstream webhook manifest file. Returns the webhook configurations
 * with `names` applied (upstream's kustomize renames them), each webhook's clientConfig replaced
 * by { url: https://127.0.0.1:<port><service.path>, caBundle }, and `mutate(webhook)` applied.
 */
export function localWebhookConfigurations(
  docs: readonly KubeObject[],
  { port, caPem, names = {}, mutate = (w) => w }: { port: number; caPem: string; names?: Record<string, string>; mutate?: (w: KubeObject) => KubeObject },
): KubeObject[] {
  const caBundle = Buffer.from(caPem).toString('base64');
  const out: KubeObject[] = [];
  for (const doc of docs) {
    if (!doc || !WEBHOOK_KINDS.has(doc.kind)) continue;
    const copy = JSON.parse(JSON.stringify(doc));
    copy.metadata = { name: names[doc.kind] || doc.metadata.name };
    copy.webhooks = (copy.webhooks || []).map((w: KubeObject) => {
      const svcPath = w.clientConfig?.service?.path;
      if (!svcPath) throw new Error(`webhook ${w.name} of ${doc.kind} ${doc.metadata.name} has no clientConfig.service.path`);
      return mutate({ ...w, clientConfig: { url: `https://127.0.0.1:${port}${svcPath}`, caBundle } });
    });
    out.push(copy);
  }
  if (!out.length) throw new Error('no ValidatingWebhookConfiguration/MutatingWebhookConfiguration in the upstream webhook manifest');
  return out;
}

/** The training-operator's validating webhooks (v1.9.4 manifests/base/webhook, renamed as its patch.yaml does). */
export function trainingOperatorWebhooks(docs: readonly KubeObject[], port: number, caPem: string): KubeObject[] {
  return localWebhookConfigurations(docs, {
    port,
    caPem,
    // The cert rotator injects its CA into the configuration of exactly this name (cmd/training-operator.v1/main.go).
    names: { ValidatingWebhookConfiguration: 'validator.training-operator.kubeflow.org' },
  });
}

/** Kueue's webhooks (v0.19.2 config/components/webhook, kueue- name prefix of config/default). */
export function kueueWebhooks(docs: readonly KubeObject[], port: number, caPem: string): KubeObject[] {
  return localWebhookConfigurations(docs, {
    port,
    caPem,
    names: {
      ValidatingWebhookConfiguration: 'kueue-validating-webhook-configuration',
      MutatingWebhookConfiguration: 'kueue-mutating-webhook-configuration',
    },
    mutate: (w) => (isKueueOwnKindWebhook(w) ? w : { ...w, namespaceSelector: KUEUE_WORKLOAD_NAMESPACE_SELECTOR }),
  });
}
