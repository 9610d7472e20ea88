// The half-way failure check of verify:pulumi: which object the apiserver rejects, and the
// ValidatingAdmissionPolicy that rejects exactly it. Pure.

import type { ServedResource } from '../core/api-paths';
import type { KubeObject } from '../core/objects';
import { identity } from './engine-results';
import { groupOf, isBuiltinGroup } from './operator-crds';

/** REST path of an object; `res` = {plural, namespaced} from discovery. */
export function objectPath(o: KubeObject, res: ServedResource): string {
  const group = groupOf(o.apiVersion);
  const base = group === '' ? `/api/${o.apiVersion}` : `/apis/${o.apiVersion}`;
  const ns = res.namespaced ? `/namespaces/${encodeURIComponent(o.metadata.namespace || 'default')}` : '';
  return `${base}${ns}/${res.plural}/${encodeURIComponent(o.metadata.name)}`;
}

/**
 * The object the half-way check has the apiserver reject: a ConfigMap (else Service, else any
 * namespaced built-in object but a Namespace) of a chart in the second half of the apply order,
 * so charts before it are created and the failure lands in the middle of an `up`.
 */
export function pickHalfwayTarget(manifests: readonly { name: string; objects: readonly KubeObject[] }[]): { chart: string; object: KubeObject; id: string } | undefined {
  const later = manifests.slice(Math.floor(manifests.length / 2));
  const builtin = (o: KubeObject) => isBuiltinGroup(groupOf(o.apiVersion)) && o.metadata?.namespace;
  for (const pick of [(o: KubeObject) => o.kind === 'ConfigMap', (o: KubeObject) => o.kind === 'Service', (o: KubeObject) => o.kind !== 'Namespace']) {
    for (const m of later) {
      const o = m.objects.find((x) => builtin(x) && pick(x));
      if (o) return { chart: m.name, object: o, id: identity(o) };
    }
  }
  return undefined;
}

export const PROBE_NAME = 'verify-pulumi-probe';
export const REJECT_MESSAGE = 'verify-pulumi: rejected on purpose (half-way failure check)';

/**
 * A ValidatingAdmissionPolicy (+ binding) denying create/update of exactly `target` (and of a
 * probe object of its kind named PROBE_NAME, to see when the policy is in force). No webhook.
 */
export function rejectOnePolicy(target: KubeObject, plural: string): KubeObject[] {
  const group = groupOf(target.apiVersion);
  const version = target.apiVersion.slice(target.apiVersion.lastIndexOf('/') + 1);
  const name = 'verify-pulumi-reject-one';
  const cel = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return [{
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: { resourceRules: [{ apiGroups: [group], apiVersions: [version], operations: ['CREATE', 'UPDATE'], resources: [plural] }] },
      validations: [{
        expression: `!((object.metadata.namespace == ${cel(target.metadata.namespace)} && object.metadata.name == ${cel(target.metadata.name)}) || object.metadata.name == ${cel(PROBE_NAME)})`,
        message: REJECT_MESSAGE,
      }],
    },
  }, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name },
    spec: { policyName: name, validationActions: ['Deny'] },
  }];
}
