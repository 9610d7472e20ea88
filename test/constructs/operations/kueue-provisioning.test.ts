import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { amounts, cpuPool, gpuPool } from './fixtures';
import { Accelerator } from '../../../constructs/cluster/accelerator';
import { CapacityReservation, GpuAllocation } from '../../../constructs/cluster/gpu-features';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { FairShareCohort } from '../../../constructs/operations/fair-share-cohort';
import { KueueProvisioningCheck } from '../../../constructs/operations/kueue-provisioning';
import { Team } from '../../../constructs/operations/team';
import { formatViolations, registerCrd, validateObjects } from '../../validation/validator';
import { byKindName, synth, testChart } from '../../helpers';

const h100 = (name: string, reservation?: CapacityReservation, allocation?: GpuAllocation) => NodePool.gpu({
  name, accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, instanceType: 'a3-highgpu-8g', maxSize: 4, reservation, allocation,
});
const queued = () => CapacityReservation.gkeFlexStart({ queuedProvisioning: true });

function cohortOver(...pools: NodePool[]) {
  const chart = testChart('platform');
  const cohort = new FairShareCohort(chart, 'Cohort', { name: 'ml-teams', pools: [cpuPool, gpuPool, ...pools] });
  return { chart, cohort };
}

describe('Kueue ProvisioningRequest admission checks from GKE flex-start pools with queued provisioning', () => {
  test('a queued pool yields a ProvisioningRequestConfig of class queued-provisioning.gke.io and an AdmissionCheck naming it, cluster-scoped', () => {
    const { chart } = cohortOver(h100('h100-flex', queued()));
    const objects = synth(chart);
    expect(byKindName(objects, 'ProvisioningRequestConfig', 'h100-flex')).toEqual({
      apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ProvisioningRequestConfig', metadata: { name: 'h100-flex' },
      spec: { provisioningClassName: 'queued-provisioning.gke.io', managedResources: ['nvidia.com/gpu'] },
    });
    expect(byKindName(objects, 'AdmissionCheck', 'h100-flex')).toEqual({
      apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'AdmissionCheck', metadata: { name: 'h100-flex' },
      spec: { controllerName: 'kueue.x-k8s.io/provisioning-request', parameters: { apiGroup: 'kueue.x-k8s.io', kind: 'ProvisioningRequestConfig', name: 'h100-flex' } },
    });
  });

  test('none for on-demand, reserved or plain flex-start pools', () => {
    const { chart, cohort } = cohortOver(h100('a'), h100('b', CapacityReservation.gke('h100-reservation')), h100('c', CapacityReservation.gkeFlexStart()));
    expect(cohort.provisioningChecks).toEqual([]);
    expect(synth(chart).filter((o) => o.kind === 'AdmissionCheck' || o.kind === 'ProvisioningRequestConfig')).toEqual([]);
  });

  test('one check per queued pool, made once however many teams quota it; each queue names it on that pool\'s flavor only', () => {
    const flexA = h100('flex-a', queued());
    const flexB = h100('flex-b', queued());
    const { chart, cohort } = cohortOver(flexA, flexB);
    new Team(chart, 't1', { group: 'g1', cohort, quotas: [{ pool: cpuPool, nominal: amounts(4, 16) }, { pool: flexA, nominal: amounts(100, 800, 8) }, { pool: flexB, nominal: amounts(100, 800, 8) }] });
    new Team(chart, 't2', { group: 'g2', cohort, quotas: [{ pool: gpuPool, nominal: amounts(6, 24, 1) }, { pool: flexA, nominal: amounts(100, 800, 8) }] });
    new Team(chart, 't3', { group: 'g3', cohort, quotas: [{ pool: cpuPool, nominal: amounts(4, 16) }] });
    const objects = synth(chart);
    expect(objects.filter((o) => o.kind === 'AdmissionCheck').map((o) => o.metadata.name)).toEqual(['flex-a', 'flex-b']);
    expect(objects.filter((o) => o.kind === 'ProvisioningRequestConfig').map((o) => o.metadata.name)).toEqual(['flex-a', 'flex-b']);
    expect(byKindName(objects, 'ClusterQueue', 't1').spec.admissionChecksStrategy).toEqual({
      admissionChecks: [{ name: 'flex-a', onFlavors: ['flex-a'] }, { name: 'flex-b', onFlavors: ['flex-b'] }],
    });
    expect(byKindName(objects, 'ClusterQueue', 't2').spec.admissionChecksStrategy).toEqual({ admissionChecks: [{ name: 'flex-a', onFlavors: ['flex-a'] }] });
    expect(byKindName(objects, 'ClusterQueue', 't3').spec.admissionChecksStrategy).toBeUndefined();
  });

  test('the pool derives GKE\'s queued taint, so its flavor (and the pods Kueue admits on it) tolerate it', () => {
    const pool = h100('h100-flex', queued());
    expect(pool.nodeTaints()).toContainEqual({ key: 'cloud.google.com/gke-queued', value: 'true', effect: 'NoSchedule' });
    const { chart } = cohortOver(pool);
    expect(byKindName(synth(chart), 'ResourceFlavor', 'h100-flex').spec.tolerations).toContainEqual({ key: 'cloud.google.com/gke-queued', operator: 'Equal', value: 'true', effect: 'NoSchedule' });
    expect(h100('h100-plain', CapacityReservation.gkeFlexStart()).nodeTaints().map((t) => t.key)).not.toContain('cloud.google.com/gke-queued');
  });

  test('a DRA pool leaves managedResources empty (Kueue matches container requests only, so every pod set goes in the request)', () => {
    const { chart } = cohortOver(h100('h100-flex-dra', queued(), GpuAllocation.dra()));
    expect(byKindName(synth(chart), 'ProvisioningRequestConfig', 'h100-flex-dra').spec).toEqual({ provisioningClassName: 'queued-provisioning.gke.io' });
  });

  test('made for another pool it is refused, naming the pool', () => {
    expect(() => new KueueProvisioningCheck(testChart(), 'x', { pool: gpuPool })).toThrow(/'pool' is 'gpu-l4'.*gkeFlexStart\(\{ queuedProvisioning: true \}\)/);
  });

  const CRDS = path.resolve(__dirname, '../../../../shared/charts/kueue-0.19.2/templates/crd');
  const withCrds = fs.existsSync(CRDS) ? test : test.skip;
  withCrds('AdmissionCheck, ProvisioningRequestConfig and the ClusterQueue are valid against the Kueue v0.19.2 CRDs (the chart\'s, Helm lines dropped)', () => {
    for (const file of ['kueue.x-k8s.io_admissionchecks.yaml', 'kueue.x-k8s.io_provisioningrequestconfigs.yaml']) {
      const text = fs.readFileSync(path.join(CRDS, file), 'utf8').replace(/\{\{-? \/\*[\s\S]*?\*\/ -?\}\}/g, '').split('\n').filter((l) => !l.includes('{{')).join('\n');
      registerCrd(parse(text));
    }
    const pool = h100('h100-flex', queued());
    const { chart, cohort } = cohortOver(pool, h100('h100-flex-dra', queued(), GpuAllocation.dra()));
    new Team(chart, 't', { group: 'g', cohort, quotas: [{ pool: cpuPool, nominal: amounts(4, 16) }, { pool, nominal: amounts(100, 800, 16) }] });
    const objects = synth(chart).filter((o) => ['AdmissionCheck', 'ProvisioningRequestConfig', 'ClusterQueue', 'ResourceFlavor'].includes(o.kind));
    expect(objects.filter((o) => o.kind === 'AdmissionCheck')).toHaveLength(2);
    expect(formatViolations(validateObjects('kueue@v0.19.2', objects))).toBe('');
  });
});
