// Unit tests for construct-intent.ts: the pool and GPUs a construct was given, credited while it
// builds, kept when its rendered pod template is edited afterwards (what the placement canary does).
import { App, Chart, JsonPatch } from 'cdk8s';
import { Accelerator } from '../../../constructs/cluster/accelerator';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { Images } from '../../../constructs/core/image';
import { BatchProcessingJob } from '../../../constructs/ingestion/batch-job';
import { recordIntent, workloadIntents } from '../../../scripts/verify/cluster/construct-intent';

const cpu = NodePool.cpu({ name: 'cpu' });
const other = NodePool.cpu({ name: 'other' });
const gpu = NodePool.gpu({ name: 'gpu-l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, instanceType: 'g6.2xlarge' });

describe('construct intent', () => {
  test('each Job gets the pool and GPUs its construct was given; an edited template keeps it', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'ns', disableResourceNameHashes: true });
    const { result, intentOf, uncredited } = recordIntent([cpu, other, gpu], () => ({
      plain: new BatchProcessingJob(chart, 'plain', { pool: cpu, container: { image: Images.CACHE_HELPER } }),
      gpuJob: new BatchProcessingJob(chart, 'trainer', { pool: gpu, container: { image: Images.CACHE_HELPER, gpus: 1 } }),
    }));
    expect(uncredited).toEqual([]);
    expect(intentOf(result.plain.apiObject)).toEqual({ group: 'batch', kind: 'Job', namespace: 'ns', name: 'plain', construct: 'c/plain', path: 'c/plain/Resource', pods: [{ pool: 'cpu', gpus: 0 }] });
    expect(intentOf(result.gpuJob.apiObject)?.pods).toEqual([{ pool: 'gpu-l4', gpus: 1 }]);
    // the canary's edit: the template pointed at another pool after the construct rendered it
    result.plain.apiObject.addJsonPatch(JsonPatch.replace('/spec/template/spec/nodeSelector', other.nodeSelector()));
    expect(result.plain.apiObject.toJson().spec.template.spec.nodeSelector).toEqual({ 'mlpatterns.dev/node-pool': 'other' });
    expect(intentOf(result.plain.apiObject)?.pods).toEqual([{ pool: 'cpu', gpus: 0 }]);
    expect(workloadIntents(app, intentOf).map((i) => i.name)).toEqual(['plain', 'trainer']);
  });

  test('the pools are restored after the build; a render outside any construct is reported, not credited', () => {
    const { uncredited } = recordIntent([cpu], () => cpu.nodeSelector());
    expect(uncredited).toEqual(['cpu (0 GPU(s)) after no construct']);
    expect(Object.hasOwn(cpu, 'nodeSelector')).toBe(false);
    expect(cpu.nodeSelector()).toEqual({ 'mlpatterns.dev/node-pool': 'cpu' });
  });
});
