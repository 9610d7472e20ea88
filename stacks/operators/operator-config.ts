/**
 * How the stack configures the controllers whose behaviour the charts depend on: Kueue's manager
 * Configuration and the Kubeflow training-operator's flags and PyTorch init-container template.
 * Pure functions of the values context; the stack renders them into the Kueue chart's values and
 * the training-operator kustomization, and the simulated cluster (verify:cluster) reads the same
 * functions, so both run the controllers configured exactly alike.
 */
import { stringify } from 'yaml';
import { ContainerImage } from '../../constructs/core/image';
import { kueueDeviceClassMappings, kueueExcludedResourcePrefixes } from '../../constructs/operations/kueue-gpu-resources';
import { COSCHEDULING_SCHEDULER_NAME } from '../../constructs/training/gang-scheduling';
import type { GangSchedulerChoice } from '../cluster/kinds';
import type { ValuesContext } from './values-context';

/**
 * Images the training-operator runs or injects, pinned (never the ':latest' defaults).
 * - operator: the tag the v1.9.4 standalone overlay sets (kubeflow/trainer tag v1.9.4,
 *   `manifests/overlays/standalone/kustomization.yaml`: `ghcr.io/kubeflow/training-v1/training-operator`
 *   `newTag: v1-93c5489`), restated so the pin is visible here.
 * - pytorchInit: `init-pytorch`, which waits until the master's name resolves. The default is
 *   `alpine:3.10` (`pkg/config/config.go` `PyTorchInitContainerImageDefault`), end of life since 2021.
 *   Alpine 3.22.2, pinned by digest (the digest two unrelated public Dockerfiles pin for this tag;
 *   not re-checked against the registry offline). Its `getent` (musl-utils, part of the base image)
 *   resolves through the pod's search domains and exits 0 when the name resolves.
 * - kubectlDelivery: the MPIJob v1 launcher's `kubectl-delivery` init container. The default is
 *   `kubeflow/kubectl-delivery:latest` (`MPIKubectlDeliveryImageDefault`); mpi-operator's own
 *   image went with "Remove kubectl-delivery (#494)", before its v0.4.0. The training-operator
 *   publishes its own from the same workflow run as the operator image (kubeflow/trainer tag v1.9.4,
 *   `.github/workflows/publish-core-images.yaml`: matrix components `training-operator` and
 *   `kubectl-delivery`, both `tag-prefix: v1`, built on every push; `template-publish-image`
 *   tags `type=sha,prefix=v1-` to `ghcr.io/kubeflow/training-v1/<component>`). The overlay's
 *   `v1-93c5489` is release-1.9 commit 93c54893e ("Release Training SDK 1.9.4"), so its
 *   kubectl-delivery is the same tag (build/images/kubectl-delivery/Dockerfile: alpine 3.17 +
 *   kubectl v1.30.7, copies kubectl to /opt/kube). Tag derived from the workflow, not re-checked
 *   against the registry offline.
 */
export const TRAINING_OPERATOR_IMAGES = {
  operator: ContainerImage.of('ghcr.io/kubeflow/training-v1/training-operator:v1-93c5489'),
  pytorchInit: ContainerImage.of('alpine:3.22.2@sha256:4b7ce07002c69e8f3d704a9c5d6fd3053be500b7f1c69fc0d80990c2ad8dd412'),
  kubectlDelivery: ContainerImage.of('ghcr.io/kubeflow/training-v1/kubectl-delivery:v1-93c5489'),
} as const;

/**
 * Where the restricted `init-pytorch` template lives: the names Kubeflow's own manifests use
 * (kubeflow/manifests `tests/training_operator_install.sh`: ConfigMap `restricted-pytorch-init-container`,
 * key `initContainer.yaml`, mounted at `/etc/restricted-pytorch-init-container`).
 */
export const PYTORCH_INIT_TEMPLATE = {
  configMap: 'restricted-pytorch-init-container',
  key: 'initContainer.yaml',
  mountPath: '/etc/restricted-pytorch-init-container',
} as const;

/** Name of the training-operator container in its Deployment (v1.9 `manifests/base/deployment.yaml`). */
export const TRAINING_OPERATOR_CONTAINER = 'training-operator';

/**
 * The value of `--gang-scheduler-name` for a choice: `volcano` makes the operator create
 * `scheduling.volcano.sh` PodGroups; any other non-empty value makes it create scheduler-plugins
 * `scheduling.x-k8s.io` PodGroups and stamp that value as the pods' schedulerName, so it must be the
 * name of the coscheduling scheduler (`cmd/training-operator.v1/main.go`, `pkg/controller.v1/control/podgroup_control.go`, v1.7+).
 */
export function gangSchedulerName(choice: GangSchedulerChoice | undefined): string | undefined {
  switch (choice ?? 'none') {
    case 'volcano':
      return 'volcano';
    case 'scheduler-plugins':
      return COSCHEDULING_SCHEDULER_NAME;
    case 'none':
      return undefined;
  }
}

/**
 * Flags of the training-operator container (it runs `/manager` with no args upstream, so these are
 * all of them). Flag names from `cmd/training-operator.v1/main.go` (v1.7+ flag block, read from
 * stored copies; the v1.9.4 file itself is not stored).
 */
export function trainingOperatorArgs(ctx: ValuesContext): string[] {
  const gang = gangSchedulerName(ctx.gangScheduler);
  return [
    `--pytorch-init-container-image=${TRAINING_OPERATOR_IMAGES.pytorchInit}`,
    `--pytorch-init-container-template-file=${PYTORCH_INIT_TEMPLATE.mountPath}/${PYTORCH_INIT_TEMPLATE.key}`,
    `--mpi-kubectl-delivery-image=${TRAINING_OPERATOR_IMAGES.kubectlDelivery}`,
    ...(gang ? [`--gang-scheduler-name=${gang}`] : []),
  ];
}

/**
 * The `init-pytorch` container template (a Go template: the operator fills `{{.MasterAddr}}`,
 * `{{.MaxTries}}`, `{{.InitContainerImage}}`; `pkg/controller.v1/pytorch/initcontainer.go`). The
 * operator adds it to Worker pods of PyTorchJobs that have a Master; the upstream default template
 * has no securityContext, so Pod Security `restricted` rejects every such worker. This one carries
 * the restricted context Kubeflow's manifests use, plus a read-only root filesystem, and the
 * pinned image itself (not `{{.InitContainerImage}}`), so the flag and the file cannot disagree.
 *
 * Why `getent hosts` and not the upstream `nslookup`: BusyBox's nslookup in Alpine >= 3.11 exits
 * non-zero unless every search domain resolves (gliderlabs/docker-alpine#539, cilium/hubble#540),
 * and a PyTorchJob's master name only resolves in the pod's own namespace domain; musl's resolver
 * (getent) walks the search list and exits 0 on the first answer.
 */
export function pytorchInitContainerTemplate(): Record<string, unknown> {
  return {
    name: 'init-pytorch',
    image: TRAINING_OPERATOR_IMAGES.pytorchInit.toString(),
    imagePullPolicy: 'IfNotPresent',
    // Same budget as the upstream template.
    resources: { limits: { cpu: '100m', memory: '20Mi' }, requests: { cpu: '50m', memory: '10Mi' } },
    command: [
      'sh', '-c',
      'err=1; for i in $(seq {{.MaxTries}}); do if getent hosts {{.MasterAddr}}; then err=0 && break; fi; echo waiting for master {{.MasterAddr}}; sleep 2; done; exit $err',
    ],
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
}

/** The template file's content: a YAML list of one container, as the operator parses it. */
export function pytorchInitContainerTemplateYaml(): string {
  return stringify([pytorchInitContainerTemplate()], { lineWidth: 0 });
}

/** Kueue frameworks for the training-operator's job kinds that the platform queues. */
const TRAINING_OPERATOR_FRAMEWORKS = ['kubeflow.org/tfjob', 'kubeflow.org/pytorchjob'] as const;

/**
 * `integrations.frameworks`: exactly the kinds the platform queues through Kueue.
 * - `batch/job`: ingestion BatchJob / ShardedJob with a LocalQueue.
 * - `kubeflow.org/tfjob`, `kubeflow.org/pytorchjob`: with the training-operator (runPolicy.suspend,
 *   operator >= v1.7: Kueue docs `tasks/run/kubeflow/pytorchjobs.md`).
 * - `trainer.kubeflow.org/trainjob`: with the Kubeflow Trainer v2 operator.
 * Left out on purpose: `kubeflow.org/mpijob` (Kueue's integration is mpi-operator's v2beta1 MPIJob,
 * `pkg/controller/jobs/mpijob`, not the training-operator's v1 MPIJob), and `pod` (every Argo step
 * pod would become its own Workload and resource steps are never queued: Kueue docs
 * `tasks/run/external_workloads/argo_workflow.md`; the platform queues the jobs a step creates).
 */
export function kueueFrameworks(ctx: Pick<ValuesContext, 'operators'>): string[] {
  const installed = new Set<string>(ctx.operators);
  return [
    'batch/job',
    ...(installed.has('training-operator') ? TRAINING_OPERATOR_FRAMEWORKS : []),
    ...(installed.has('kubeflow-trainer') ? ['trainer.kubeflow.org/trainjob'] : []),
  ];
}

/**
 * Fair-sharing preemption strategies: the two Kueue applies when v1beta1 `fairSharing.enable: true`
 * is given without strategies (`apis/config/v1beta1/configuration_conversion.go`). In v1beta2 the
 * struct's presence is what enables fair sharing (there is no `enable` field).
 */
export const KUEUE_FAIR_SHARING_STRATEGIES = ['LessThanOrEqualToFinalShare', 'LessThanInitialShare'] as const;

/**
 * Kueue's manager Configuration (config.kueue.x-k8s.io/v1beta2, Kueue v0.19.2), rendered into the
 * chart's `managerConfig.controllerManagerConfigYaml`, which replaces the chart's whole default
 * config (`templates/manager/manager-config.yaml`), so the chart's defaults are restated here.
 * - fairSharing: always on. Teams and the operations example set ClusterQueue weights, which Kueue
 *   ignores without it (CRD text "only relevant if FairSharing is enabled"); queues without a weight
 *   weigh 1, so enabling it changes nothing for them.
 * - waitForPodsReady: explicit, because its default differs across releases (off before v1beta2;
 *   on with 30m in `apis/config/v1beta2/defaults.go` at HEAD, v0.19.2 not confirmed). 20 minutes
 *   covers a GPU node scaled up from zero (the cluster-autoscaler's max-node-provision-time is 15m)
 *   plus image pulls; a job whose pods are not all ready by then is evicted and requeued with
 *   backoff instead of holding quota half-started.
 * - internalCertManagement off when cert-manager issues the webhook certificate (the chart only
 *   adds Kueue's own cert rotation when `enableCertManager` is false).
 * - resources.deviceClassMappings when a pool allocates GPUs through DRA: one `{name,
 *   deviceClassNames}` entry per DeviceClass (v0.19.2 `apis/config/v1beta2/configuration_types.go`),
 *   named as the ClusterQueues quota it (`kueueDeviceClassMappings`); without it Kueue admits a
 *   DRA claim with no device usage. Feature gate `KueueDRAIntegration` is beta and on in v0.19.
 * - resources.excludeResourcePrefixes for an EFA pool's `vpc.amazonaws.com/efa`
 *   (`kueueExcludedResourcePrefixes`): no ClusterQueue covers it, and Kueue refuses a workload that
 *   requests an uncovered resource.
 * - nothing for the ProvisioningRequest admission checks of queued-provisioning pools: GA since
 *   v0.14 without a feature gate, the controller runs when the cluster serves autoscaling.x-k8s.io
 *   ProvisioningRequests (v0.19.2 `cmd/kueue/main.go`), and the chart's ClusterRole covers them.
 */
export function kueueConfiguration(ctx: ValuesContext): Record<string, unknown> {
  const certManager = ctx.operators.includes('cert-manager');
  const mappings = kueueDeviceClassMappings(ctx.pools);
  const excluded = kueueExcludedResourcePrefixes(ctx.pools);
  const resources = { ...(excluded.length ? { excludeResourcePrefixes: excluded } : {}), ...(mappings.length ? { deviceClassMappings: mappings } : {}) };
  return {
    apiVersion: 'config.kueue.x-k8s.io/v1beta2',
    kind: 'Configuration',
    health: { healthProbeBindAddress: ':8081' },
    metrics: { bindAddress: ':8443', enableClusterQueueResources: true },
    webhook: { port: 9443 },
    leaderElection: { leaderElect: true, resourceName: 'c1f6bfd2.kueue.x-k8s.io' },
    controller: {
      groupKindConcurrency: {
        'Job.batch': 5,
        Pod: 5,
        'Workload.kueue.x-k8s.io': 5,
        'LocalQueue.kueue.x-k8s.io': 1,
        'ClusterQueue.kueue.x-k8s.io': 1,
        'ResourceFlavor.kueue.x-k8s.io': 1,
      },
    },
    clientConnection: { qps: 50, burst: 100 },
    manageJobsWithoutQueueName: false,
    ...(certManager ? { internalCertManagement: { enable: false } } : {}),
    waitForPodsReady: {
      timeout: '20m',
      blockAdmission: false,
      requeuingStrategy: { timestamp: 'Eviction', backoffBaseSeconds: 60, backoffMaxSeconds: 3600 },
    },
    integrations: { frameworks: kueueFrameworks(ctx) },
    fairSharing: { preemptionStrategies: [...KUEUE_FAIR_SHARING_STRATEGIES] },
    ...(Object.keys(resources).length ? { resources } : {}),
  };
}

/** `kueueConfiguration` as the YAML text the chart value carries. */
export function kueueConfigurationYaml(ctx: ValuesContext): string {
  return stringify(kueueConfiguration(ctx), { lineWidth: 0 });
}
