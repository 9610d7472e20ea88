import { Chart } from 'cdk8s';
import { parse } from 'yaml';
import { synthChart } from '../constructs/app/chart-manifests';
import { PlatformApp } from '../constructs/app/platform-app';

/** A synthesized Kubernetes object, as tests read it. */
export type Manifest = Record<string, any>;

/** A fresh chart in a fresh app (namespace optional). */
export function testChart(namespace?: string): Chart {
  return new Chart(new PlatformApp({ outdir: '/nonexistent' }), 'test', { namespace, disableResourceNameHashes: true });
}

/** The chart's objects in apply order, as JSON. */
export function synth(chart: Chart): Manifest[] {
  return synthChart(chart);
}

/** The one object of `kind` called `name`; fails the test when there is not exactly one. */
export function byKindName(objects: readonly Manifest[], kind: string, name: string): Manifest {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} '${name}', found ${found.length} among: ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  }
  return found[0];
}

/** Every object of `kind`. */
export function ofKind(objects: readonly Manifest[], kind: string): Manifest[] {
  return objects.filter((o) => o.kind === kind);
}

/** Every container of a pod spec, init containers included. */
export function containersOf(podSpec: Manifest): Manifest[] {
  return [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])];
}

/** Objects that workflow resource steps create at run time, embedded as YAML in their templates. */
export function embeddedObjects(objects: readonly Record<string, any>[]): Record<string, any>[] {
  const out: Record<string, any>[] = [];
  for (const o of objects) {
    const spec = o.kind === 'CronWorkflow' ? o.spec?.workflowSpec : o.spec;
    if (!o.apiVersion?.startsWith('argoproj.io/') || !Array.isArray(spec?.templates)) continue;
    for (const t of spec.templates) {
      if (typeof t.resource?.manifest === 'string') out.push(parse(t.resource.manifest));
    }
  }
  return out;
}
