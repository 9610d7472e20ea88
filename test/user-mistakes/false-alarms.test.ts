import { ApiObject, Chart } from 'cdk8s';
import { localTarget, pools, PYTORCH, STEP, synthWarns, teamChart, teams } from './harness';
import type { PlatformApp } from '../../constructs/app/platform-app';
import { withExternals } from '../../constructs/checks/declared-externals';
import { Checks, SUPPRESS_ANNOTATION_PREFIX } from '../../constructs/checks/suppressions';
import { ContainerImage } from '../../constructs/core/image';
import { BatchProcessingJob } from '../../constructs/ingestion/batch-job';
import { KServeInferenceService } from '../../constructs/serving/inference-service';
import { ModelFormat, ModelLocation } from '../../constructs/serving/model-location';
import { AllReduceTrainingJob, CollectiveFramework, TrainingApi } from '../../constructs/training/allreduce-job';
import { GangScheduling } from '../../constructs/training/gang-scheduling';
import { ArgoWorkflow } from '../../constructs/workflow/argo-workflow';
import { ResourceAction } from '../../constructs/workflow/workflow-task';

// Sound platforms the checks used to reject (issue 23's F-classes). Each now synthesizes; where
// the project cannot know (something made outside the charts), with a warning that a declared
// external or a suppression silences.

const NGC = ContainerImage.of('nvcr.io/nvidia/pytorch:25.01-py3');
const NGC_FACTS = { cuda: true, workdir: '/workspace', files: ['/workspace/'], source: 'NGC PyTorch 25.01 release notes' };

/** What the teams' `restricted` namespaces admit. */
const RESTRICTED = { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 1000, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };

/** A pod-level object in a team namespace, as a user writes it by hand. */
const raw = (chart: Chart, id: string, object: Record<string, any>) => new ApiObject(chart, id, object as { apiVersion: string; kind: string });
const deployment = (name: string, spec: Record<string, any>, labels = { app: name }) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
  spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'busybox:1.36.1', command: ['sleep', '1d'], securityContext: RESTRICTED }], ...spec } } },
});

describe('user mistakes that are none: false alarms (issue 23)', () => {
  test('F1: an own GPU image nobody described synthesizes with a warning; its facts declared on the target, without', () => {
    const gpuJob = (app: PlatformApp) => {
      new BatchProcessingJob(teamChart(app, 'jobs', teams(app).a), 'train', { pool: pools.gpu, container: { ...STEP, image: NGC, command: ['python', '/workspace/train.py'] } });
    };
    const { warnings } = synthWarns(gpuJob);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^\[jobs\/train\/Resource\] Job team-a\/train: .*command is 'python \/workspace\/train\.py'; .*the image map knows nothing about 'nvcr\.io\/nvidia\/pytorch:25\.01-py3'.* \(rule workload-image\)$/)]));
    expect(synthWarns(gpuJob, { target: withExternals(localTarget(), { images: { [NGC.toString()]: NGC_FACTS } }) }).warnings).toEqual([]);
  });

  const isvc = (chart: Chart) => raw(chart, 'model', {
        apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'model' },
        spec: { predictor: {
          minReplicas: 1, maxReplicas: 2, scaleMetric: 'cpu', scaleTarget: 70, nodeSelector: pools.cpu.nodeSelector(),
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          model: { modelFormat: { name: 'triton' }, storageUri: 's3://models/m', resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } } },
        } },
      });

  test('F2, F3, F5: an InferenceService without the mode annotation nor a container securityContext, scaled on cpu, and a KEDA ScaledObject on its predictor Deployment', () => {
    const { warnings, files } = synthWarns((app) => {
      const chart = teamChart(app, 'serving', teams(app).a);
      isvc(chart);
      raw(chart, 'scaler', { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'model' }, spec: { scaleTargetRef: { name: 'model-predictor' }, triggers: [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } }] } });
    });
    expect(files).toContain('serving.k8s.yaml');
    expect(warnings).toEqual([]);
  });

  test('F5: an HPA (autoscaling/v2) on the Deployment KServe makes for the predictor (<isvc>-predictor)', () => {
    const { warnings, files } = synthWarns((app) => {
      const chart = teamChart(app, 'serving', teams(app).a);
      isvc(chart);
      raw(chart, 'hpa', {
        apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'model' },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'model-predictor' }, minReplicas: 1, maxReplicas: 2, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] },
      });
    });
    expect(files).toContain('serving.k8s.yaml');
    expect(warnings).toEqual([]);
  });

  test('F4: PodDisruptionBudgets selecting the labels the training-operator (v1 PyTorchJob) and KServe add to their pods', () => {
    const { warnings, files } = synthWarns((app) => {
      const { a } = teams(app);
      const jobs = teamChart(app, 'jobs', a);
      new AllReduceTrainingJob(jobs, 'ddp', {
        framework: CollectiveFramework.PYTORCH, output: TrainingApi.TRAINING_OPERATOR_V1, image: PYTORCH, pool: pools.gpu, workers: 2,
        command: ['python', '-c', 'import torch'], scheduling: GangScheduling.kueue({ queue: a.queue }),
      });
      raw(jobs, 'ddp-pdb', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'ddp' }, spec: { maxUnavailable: 0, selector: { matchLabels: { 'training.kubeflow.org/job-name': 'ddp' } } } });
      const serving = teamChart(app, 'serving', a);
      isvc(serving);
      raw(serving, 'model-pdb', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'model' }, spec: { minAvailable: 1, selector: { matchLabels: { 'serving.kserve.io/inferenceservice': 'model' } } } });
    });
    expect(files).toEqual(expect.arrayContaining(['jobs.k8s.yaml', 'serving.k8s.yaml']));
    expect(warnings).toEqual([]);
  });

  test('F4: a PodDisruptionBudget selecting the labels JobSet adds to a TrainJob\'s pods (Trainer v2, the default)', () => {
    const pdb = (label: string, value: string) => (app: PlatformApp) => {
      const { a } = teams(app);
      const jobs = teamChart(app, 'jobs', a);
      new AllReduceTrainingJob(jobs, 'ddp', {
        framework: CollectiveFramework.PYTORCH, image: PYTORCH, pool: pools.gpu, workers: 2,
        command: ['python', '-c', 'import torch'], scheduling: GangScheduling.kueue({ queue: a.queue }),
      });
      raw(jobs, 'ddp-pdb', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'ddp' }, spec: { maxUnavailable: 0, selector: { matchLabels: { [label]: value } } } });
    };
    expect(synthWarns(pdb('jobset.sigs.k8s.io/jobset-name', 'ddp')).warnings).toEqual([]);
    expect(synthWarns(pdb('jobset.sigs.k8s.io/replicatedjob-name', 'node')).warnings).toEqual([]);
    // Its twin: a name no JobSet pod of it carries still selects nothing.
    expect(() => synthWarns(pdb('jobset.sigs.k8s.io/jobset-name', 'ddp-typo'))).toThrow(/spec.selector is 'jobset.sigs.k8s.io\/jobset-name=ddp-typo'; no pod deployed in namespace 'team-a' matches/);
  });

  test('F4: a Service selecting a StatefulSet pod by the pod-name label the controller adds', () => {
    const { warnings } = synthWarns((app) => {
      const chart = teamChart(app, 'db', teams(app).a);
      raw(chart, 'db', { ...deployment('db', {}), kind: 'StatefulSet', spec: { ...deployment('db', {}).spec, serviceName: 'db' } });
      raw(chart, 'primary', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db-primary' }, spec: { selector: { 'statefulset.kubernetes.io/pod-name': 'db-0' }, ports: [{ port: 5432 }] } });
    });
    expect(warnings).toEqual([]);
  });

  test('F6: an admin StorageClass warns until declared; a claim bound to a static volume needs no class', () => {
    const claims = (app: PlatformApp) => {
      const chart = teamChart(app, 'data', teams(app).a);
      raw(chart, 'fast', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'fast' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'gp3-encrypted', resources: { requests: { storage: '10Gi' } } } });
      raw(chart, 'datasets', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'datasets' }, spec: { accessModes: ['ReadOnlyMany'], storageClassName: '', volumeName: 'nfs-datasets', resources: { requests: { storage: '1Ti' } } } });
    };
    expect(synthWarns(claims).warnings).toEqual([expect.stringMatching(/PersistentVolumeClaim team-a\/fast: spec\.storageClassName is 'gp3-encrypted'; .* \(rule storage-placement\)$/)]);
    const declared = withExternals(localTarget(), { storageClasses: [{ name: 'gp3-encrypted', accessModes: localTarget().storage.default.accessModes }] });
    expect(synthWarns(claims, { target: declared }).warnings).toEqual([]);
  });

  test('F10: a ServiceAccount bound to a cloud identity outside cdk8s warns until declared; a suppression with a reason silences it too', () => {
    const irsa = (suppress?: 'code' | 'annotation') => (app: PlatformApp) => {
      const chart = teamChart(app, 'uploader', teams(app).a);
      const annotations = suppress === 'annotation' ? { [`${SUPPRESS_ANNOTATION_PREFIX}object-references`]: 'made by eksctl with its IAM role' } : undefined;
      const obj = raw(chart, 'uploader', { ...deployment('uploader', { serviceAccountName: 's3-writer' }), metadata: { name: 'uploader', annotations } });
      if (suppress === 'code') Checks.suppress(obj, 'object-references', 'made by eksctl with its IAM role');
    };
    expect(synthWarns(irsa()).warnings).toEqual([expect.stringMatching(/serviceAccountName is 's3-writer'; .*no ServiceAccount 's3-writer' is deployed in namespace 'team-a'.* \(rule object-references\)$/)]);
    expect(synthWarns(irsa(), { target: withExternals(localTarget(), { serviceAccounts: ['team-a/s3-writer'] }) }).warnings).toEqual([]);
    expect(synthWarns(irsa('code'))).toMatchObject({ warnings: [], suppressed: ['object-references'] });
    expect(synthWarns(irsa('annotation'))).toMatchObject({ warnings: [], suppressed: ['object-references'] });
  });

  test('F10: a PriorityClass the cluster admin made warns until declared', () => {
    const admin = (app: PlatformApp) => { raw(teamChart(app, 'urgent', teams(app).a), 'urgent', deployment('urgent', { priorityClassName: 'admin-urgent' })); };
    expect(synthWarns(admin).warnings).toEqual([expect.stringMatching(/priorityClassName is 'admin-urgent'; no PriorityClass 'admin-urgent' is deployed with it or declared, so unless the cluster has one .* \(rule object-references\)$/)]);
    expect(synthWarns(admin, { target: withExternals(localTarget(), { priorityClasses: ['admin-urgent'] }) }).warnings).toEqual([]);
  });

  test('F7, F8: a claim on a static volume holding the code, shared by pods a podAffinity keeps on one node', () => {
    const { warnings } = synthWarns((app) => {
      const chart = teamChart(app, 'tools', teams(app).a);
      raw(chart, 'code', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'code' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: '', volumeName: 'team-a-code', resources: { requests: { storage: '1Gi' } } } });
      const together = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'tools' } } }] } };
      const tools = deployment('tools', { affinity: together, volumes: [{ name: 'code', persistentVolumeClaim: { claimName: 'code' } }] }, { app: 'tools' });
      tools.spec.replicas = 2;
      tools.spec.template.spec.containers[0] = { ...tools.spec.template.spec.containers[0], command: ['sh', '/code/serve.sh'], volumeMounts: [{ name: 'code', mountPath: '/code' }] } as typeof tools.spec.template.spec.containers[0];
      raw(chart, 'tools', tools);
    });
    expect(warnings).toEqual([]);
  });

  test('F9, F12: env from a Secret, and an alert on a metric kube-prometheus-stack records', () => {
    const image = ContainerImage.of('example.org/team/report:1.0').withFacts({ cuda: false, files: ['/app/report.py'], programs: { '/app/report.py': { requiredEnv: ['DB_URL'] } }, source: 'team image' });
    const { warnings } = synthWarns((app) => {
      const chart = teamChart(app, 'report', teams(app).a);
      const job = deployment('report', {});
      job.spec.template.spec.containers[0] = { ...job.spec.template.spec.containers[0], image: image.toString(), command: ['python', '/app/report.py'], envFrom: [{ secretRef: { name: 'db' } }] } as typeof job.spec.template.spec.containers[0];
      raw(chart, 'report', job);
      raw(chart, 'alerts', { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'alerts' }, spec: { groups: [{ name: 'g', rules: [{ alert: 'CpuHigh', expr: 'cluster:node_cpu:ratio_rate5m > 0.9' }] }] } });
    });
    // The Secret may hold DB_URL: the project cannot read it, so a warning, not an error.
    expect(warnings).toEqual([expect.stringMatching(/fails without DB_URL, which neither the container \(unless its envFrom Secret 'db' has it\).* \(rule program-contract\)$/)]);
  });

  test('a serving step at the resource-step defaults passes its own checks (the InferenceService outlives its run)', () => {
    const { warnings } = synthWarns((app) => {
      const wf = new ArgoWorkflow(teamChart(app, 'pipeline', teams(app).a), 'deploy', { pool: pools.cpu });
      const model = new KServeInferenceService(wf.manifests, 'model', { pool: pools.cpu, modelFormat: ModelFormat.TRITON, model: ModelLocation.fromUri('s3://models/m') });
      wf.addResourceTask('serve', { resource: model, action: ResourceAction.APPLY });
    });
    expect(warnings).toEqual([]);
  });

  test('F13: a job queued into a team LocalQueue the stack\'s teams config makes, declared with its namespace', () => {
    const { warnings } = synthWarns((app) => {
      const job = deployment('nightly', { restartPolicy: 'Never', nodeSelector: pools.cpu.nodeSelector() });
      raw(new Chart(app, 'nightly', { namespace: 'ml-research', disableResourceNameHashes: true }), 'nightly', {
        apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'nightly', labels: { 'kueue.x-k8s.io/queue-name': 'default' } },
        spec: { suspend: true, template: job.spec.template },
      });
    }, { target: withExternals(localTarget(), { namespaces: ['ml-research'], localQueues: ['ml-research/default'] }) });
    expect(warnings).toEqual([]);
  });

  test('F11: objects in the namespaces of installed operators (monitoring, kubeflow)', () => {
    const { warnings } = synthWarns((app) => {
      for (const ns of ['monitoring', 'kubeflow']) {
        raw(new Chart(app, `in-${ns}`, { namespace: ns, disableResourceNameHashes: true }), 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'team-settings' }, data: { a: 'b' } });
      }
    });
    expect(warnings).toEqual([]);
  });
});
