import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IEmbeddedScope } from '../core/embedded-scope';

/**
 * Scope for objects that a workflow step creates at run time (TFJobs, InferenceServices).
 * It is a nested chart so its objects are NOT emitted with the parent chart: they exist only
 * inside the workflow's resource templates, as the constructs' own synthesized manifests. It takes
 * the namespace of the workflow's chart: the step creates them there, and constructs that check
 * their namespace (a Kueue LocalQueue must be in the job's namespace) see the real one.
 */
export class EmbeddedManifests extends Chart implements IEmbeddedScope {
  public readonly embedded = true as const;

  constructor(scope: Construct, id: string) {
    super(scope, id, { disableResourceNameHashes: true, namespace: Chart.of(scope).namespace });
  }
}
