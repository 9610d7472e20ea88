import * as pulumi from '@pulumi/pulumi';

/** The Pulumi project the stacks read their config under (`Pulumi.yaml` `name`). */
export const PROJECT = 'ml-platform-patterns';

/** One resource the program registered, as the offline preview saw it. */
export interface PreviewedResource {
  /** Pulumi type token, e.g. `aws:eks/nodeGroup:NodeGroup`, `kubernetes:helm.sh/v3:Release`. */
  readonly type: string;
  /** Logical name, e.g. `vision-pool-gpu-a100`, `charts-vision-pipeline`. */
  readonly name: string;
  /** Its inputs (the manifests of a chart, the scaling of a node group, a release's values). */
  readonly inputs: Record<string, any>;
}

/** Options of `previewStackOffline`. */
export interface OfflinePreviewOptions {
  /**
   * The stack config, as in `Pulumi.<stack>.yaml` without the project prefix; lists and objects
   * as JSON strings (`subnetIds: '["subnet-a","subnet-b"]'`).
   */
  readonly config: Readonly<Record<string, string>>;
  /** Config of other namespaces, with their prefix (`{ 'aws:region': 'eu-west-1' }`). @default - none */
  readonly otherConfig?: Readonly<Record<string, string>>;
  /** Stack name the program sees. @default 'preview' */
  readonly stack?: string;
}

/**
 * Outputs a cloud computes and the program reads back (the kubeconfig is built from the cluster's
 * endpoint and CA; IAM roles are referenced by ARN), filled with fixed stand-ins so the offline
 * program runs through.
 */
export function mockedCloudState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  if (type === 'aws:eks/cluster:Cluster') {
    return {
      ...inputs, endpoint: `https://${name}.eks.test`, certificateAuthority: { data: 'Q0E=' }, arn: `arn:aws:eks:us-west-2:123456789012:cluster/${inputs.name}`,
      vpcConfig: { ...inputs.vpcConfig, vpcId: 'vpc-0123', clusterSecurityGroupId: 'sg-cluster' },
    };
  }
  if (type === 'gcp:container/cluster:Cluster') return { ...inputs, endpoint: '10.0.0.1', masterAuth: { clusterCaCertificate: 'Q0E=' } };
  if (type === 'aws:iam/role:Role') return { ...inputs, arn: `arn:aws:iam::123456789012:role/${name}`, name };
  return inputs;
}

/**
 * Runs a stack program offline, with Pulumi's mocks instead of an engine and a cloud (no
 * credentials, no state), and returns every resource it registers: the plan (config, versions,
 * semantic checks) runs exactly as in `pulumi preview`, and a problem is thrown the same way
 * (a `StackConfigError` naming the config key). `program` loads the stack entry, e.g.
 * `() => require('./stack')`; it must not have been loaded before in the process (Pulumi reads the
 * config and the mocks when the resources are created). Computed outputs are stand-ins
 * (`mockedCloudState`), so what depends on them (endpoints, ARNs) is not real. Resolves once no
 * registration arrived for 100 ms.
 */
export async function previewStackOffline(program: () => unknown, options: OfflinePreviewOptions): Promise<PreviewedResource[]> {
  const registered: PreviewedResource[] = [];
  const config = Object.entries(options.config).map(([k, v]) => [`${PROJECT}:${k}`, v] as const);
  pulumi.runtime.setAllConfig({ ...Object.fromEntries(config), ...(options.otherConfig ?? {}) });
  await pulumi.runtime.setMocks({
    newResource: (args) => {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      return { id: `${args.name}-id`, state: mockedCloudState(args.type, args.name, args.inputs) };
    },
    call: (args) => args.inputs,
  }, PROJECT, options.stack ?? 'preview', false);
  program();
  let seen = -1;
  for (let quiet = 0; quiet < 5;) {
    await new Promise((r) => setTimeout(r, 20));
    quiet = registered.length === seen ? quiet + 1 : 0;
    seen = registered.length;
  }
  return registered;
}
