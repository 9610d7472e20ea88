// Unit tests for the pure parts of verify:network (no cyclonus binary needed): pod descriptions
// from manifests, cyclonus input files and verdict parsing, the expectation table.
import YAML from 'yaml';
import { buildPlatform } from '../../../charts';
import { parseVerdicts, policyList, trafficFile } from '../../../scripts/verify/network/cyclonus';
import { CLUSTER, DOWNLOADERS, expectedPairs, teamPods } from '../../../scripts/verify/network/expectations';
import { describePods } from '../../../scripts/verify/network/pods';

describe('verify-network helpers', () => {
  const tfjob = {
    apiVersion: 'kubeflow.org/v1', kind: 'TFJob', metadata: { name: 'job', namespace: 'ml' },
    spec: { tfReplicaSpecs: { Chief: { replicas: 1, template: { metadata: { labels: { mine: 'x' } } } }, Worker: { replicas: 5, template: { metadata: { labels: { mine: 'x' } } } } } },
  };

  test('training-operator pods: template labels plus the operator labels (lower-case replica type, job-role on the master)', () => {
    const pods = describePods('c', [tfjob]);
    expect(pods.map((p: any) => p.id)).toEqual(['c/TFJob/job/chief-0', 'c/TFJob/job/worker-0', 'c/TFJob/job/worker-1']);
    expect(pods[0].labels).toEqual({
      mine: 'x',
      'training.kubeflow.org/operator-name': 'tfjob-controller',
      'training.kubeflow.org/job-name': 'job',
      'training.kubeflow.org/replica-type': 'chief',
      'training.kubeflow.org/replica-index': '0',
      'training.kubeflow.org/job-role': 'master',
    });
    expect(pods[2].labels['training.kubeflow.org/job-role']).toBeUndefined();
    expect(pods[1].ports).toEqual([2222]);
  });

  test('objects embedded in workflow steps run in the workflow namespace, with their generated name', () => {
    const embedded = { ...tfjob, metadata: { generateName: 'job-' } };
    const wf = {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'wf', namespace: 'pipe' },
      spec: {
        podMetadata: { labels: { wf: 'yes' } },
        templates: [
          { name: 'main', dag: { tasks: [] } },
          { name: 'fetch', metadata: { labels: { step: 'fetch' } }, container: { image: 'x' } },
          { name: 'train', resource: { action: 'create', manifest: YAML.stringify(embedded) } },
        ],
      },
    };
    const pods = describePods('c', [wf]);
    expect(pods.map((p: any) => [p.id, p.namespace])).toEqual([
      ['c/Workflow/wf/fetch', 'pipe'], ['c/Workflow/wf/train', 'pipe'],
      ['c/TFJob/job-x7k2p/chief-0', 'pipe'], ['c/TFJob/job-x7k2p/worker-0', 'pipe'], ['c/TFJob/job-x7k2p/worker-1', 'pipe'],
    ]);
    expect(pods[0].labels).toEqual({ wf: 'yes', step: 'fetch', 'workflows.argoproj.io/workflow': 'wf', 'workflows.argoproj.io/completed': 'false' });
  });

  test('Jobs, CronJobs, StatefulSets and predictors carry their controllers\' labels', () => {
    const template = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ ports: [{ containerPort: 8501 }] }] } };
    const pods = describePods('c', [
      { kind: 'Job', metadata: { name: 'j', namespace: 'n' }, spec: { completionMode: 'Indexed', parallelism: 2, template } },
      { kind: 'CronJob', metadata: { name: 'cj', namespace: 'n' }, spec: { jobTemplate: { spec: { template } } } },
      { kind: 'StatefulSet', metadata: { name: 's', namespace: 'n' }, spec: { replicas: 3, template } },
      { kind: 'InferenceService', metadata: { name: 'm', namespace: 'n', annotations: { 'serving.kserve.io/deploymentMode': 'Standard' } }, spec: { predictor: { labels: { g: 'p' }, model: { storageUri: 's3://b/m' } } } },
    ]);
    expect(pods.find((p: any) => p.id === 'c/Job/j/pod-1')!.labels).toMatchObject({ app: 'a', 'batch.kubernetes.io/job-name': 'j', 'batch.kubernetes.io/job-completion-index': '1' });
    expect(pods.find((p: any) => p.kind === 'CronJob')!.labels['job-name']).toBe('cj-29000000');
    expect(pods.filter((p: any) => p.kind === 'StatefulSet').map((p: any) => p.labels['apps.kubernetes.io/pod-index'])).toEqual(['0', '1']);
    expect(pods.find((p: any) => p.kind === 'InferenceService')).toMatchObject({ mode: 'Standard', storageUri: 's3://b/m', labels: { g: 'p', component: 'predictor', app: 'isvc.m-predictor' }, ports: [8080] });
  });

  test('policies go to cyclonus as one strict NetworkPolicyList per file', () => {
    const p = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x', namespace: 'n', labels: { a: 'b' }, annotations: { c: 'd' } }, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
    expect(policyList([p])).toEqual({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicyList',
      items: [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x', namespace: 'n', labels: { a: 'b' } }, spec: p.spec }],
    });
  });

  test('traffic to a named container port carries the port name (named policy ports match on it)', () => {
    const server = { namespace: 'ml', labels: {}, ip: '10.244.0.3', portNames: { http: 8501 } };
    const [named, plain] = trafficFile([{ from: CLUSTER.prometheus, to: server, port: 8501 }, { from: CLUSTER.prometheus, to: server, port: 8502 }], () => ({}));
    expect([named.ResolvedPortName, plain.ResolvedPortName]).toEqual(['http', '']);
  });

  test('traffic: pods as internal peers with the namespace name label, addresses as external peers', () => {
    const pod = { namespace: 'ml', labels: { a: 'b' }, ip: '10.244.0.2' };
    const [t] = trafficFile([{ from: pod, to: CLUSTER.internet, port: 443 }], () => ({ team: 't' }));
    expect(t).toEqual({
      Source: { Internal: { PodLabels: { a: 'b' }, NamespaceLabels: { team: 't', 'kubernetes.io/metadata.name': 'ml' }, Namespace: 'ml' }, IP: '10.244.0.2' },
      Destination: { IP: CLUSTER.internet.ip },
      ResolvedPort: 443, ResolvedPortName: '', Protocol: 'TCP',
    });
  });

  test('verdicts: the tables\' footers in order; a count mismatch is an error', () => {
    const out = 'query traffic:\nTraffic:\n...\nIs traffic allowed?\n|  IS ALLOWED?  | FALSE |  |\nTraffic:\n...\n| IS ALLOWED? | TRUE |\n';
    expect(parseVerdicts(out, 2)).toEqual([false, true]);
    expect(() => parseVerdicts(out, 3)).toThrow(/2 verdicts for 3 traffics/);
  });

  describe('the expectation table over the whole platform', () => {
    const charts = buildPlatform().synthManifests({ checks: false });
    const objects = charts.flatMap((c) => c.objects);
    const teams = objects.filter((o) => o.kind === 'Namespace' && o.metadata.labels?.['mlpatterns.dev/team']).map((o) => o.metadata.name);
    const pods = [...charts.flatMap((c) => describePods(c.name, c.objects)), ...teamPods(teams)];
    const podMonitors = objects.filter((o) => o.kind === 'PodMonitor');
    const pairs = expectedPairs(pods, podMonitors);

    test('every namespace running pods has a default-deny policy', () => {
      const denied = new Set(objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny-all').map((o) => o.metadata.namespace));
      expect([...new Set(pods.map((p: any) => p.namespace))].filter((ns) => !denied.has(ns))).toEqual([]);
    });

    test('every pod-making object of the platform is described, and every pod is asked about DNS, API, internet, metadata', () => {
      const podKinds = new Set(['Deployment', 'StatefulSet', 'Job', 'CronJob', 'TFJob', 'PyTorchJob', 'MPIJob', 'TrainJob', 'InferenceService', 'Workflow', 'CronWorkflow', 'WorkflowTemplate']);
      const makers = charts.flatMap((c) => c.objects).filter((o) => podKinds.has(o.kind));
      expect(makers.length).toBeGreaterThan(20);
      for (const o of makers) expect(pods.some((p: any) => p.source === o)).toBe(true);
      for (const kind of ['TFJob', 'PyTorchJob', 'MPIJob', 'Workflow', 'InferenceService', 'Deployment', 'StatefulSet', 'Job']) {
        expect(pods.some((p: any) => p.kind === kind)).toBe(true);
      }
      for (const target of [CLUSTER.dns, CLUSTER.apiServer, CLUSTER.internet, CLUSTER.metadata]) {
        expect(pairs.filter((p: any) => p.to === target && p.protocol === (target === CLUSTER.dns ? 'UDP' : 'TCP'))).toHaveLength(pods.length);
      }
      // DNS over TCP too (truncated answers retry on TCP; the policies open both).
      expect(pairs.filter((p: any) => p.to === CLUSTER.dns && p.protocol === 'TCP')).toHaveLength(pods.length);
    });

    test('each downloader of the spec matches a described pod (the spec cannot go stale silently)', () => {
      const downloaders = pairs.filter((p: any) => p.to === CLUSTER.internet && p.expect === 'allow').map((p: any) => p.from);
      expect(downloaders.length).toBeGreaterThanOrEqual(DOWNLOADERS.length);
      for (const d of DOWNLOADERS) expect(downloaders.some((p: any) => d.kind === p.kind && (d.owner === p.owner))).toBe(true);
    });

    test('the table holds the issue\'s pairs: same-job allowed, other job denied, teams apart, API for workflows', () => {
      const rules = new Map<string, Set<string>>();
      for (const p of pairs) rules.set(p.rule, (rules.get(p.rule) ?? new Set()).add(p.expect));
      expect(rules.get('replicas of one job reach each other on the rendezvous port')).toEqual(new Set(['allow']));
      expect(rules.get('a job never reaches another job')).toEqual(new Set(['deny']));
      expect(rules.get('teams never reach each other')).toEqual(new Set(['deny']));
      expect(rules.get('API callers reach the API server')).toEqual(new Set(['allow']));
      // Prometheus reaches what a monitor of the platform scrapes (the event-driven server's TF Serving metrics).
      expect(podMonitors.length).toBeGreaterThan(0);
      expect(rules.get('Prometheus scrapes what a PodMonitor names')).toEqual(new Set(['allow']));
      const tfPairs = pairs.filter((p: any) => p.rule.startsWith('replicas of one job') && p.from.kind === 'TFJob');
      expect(tfPairs.every((p: any) => p.from.owner === p.to.owner && p.from.id !== p.to.id)).toBe(true);
    });
  });
});
