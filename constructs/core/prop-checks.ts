import { Cron, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { ContainerResources } from './compute';
import { ContainerImage } from './image';
import { ContainerSpec } from './pod-template';
import { arrayOf, instanceOf, like, optional, recordOf, shape } from './required-props';
import { ILocalQueue, IPriorityClass, IVolcanoQueue, IWorkloadPriorityClass } from './scheduling';
import { ISharedVolume, VolumeAttachment } from './volume-types';

/**
 * Run-time checks of the value types every construct family shares (see required-props.ts). Each
 * says how to make a valid value, so the message of a wrong one is also the fix.
 */

export const CONTAINER_IMAGE = instanceOf(ContainerImage, "ContainerImage.of('repository:tag')");
export const SIZE = instanceOf(Size, 'Size.gibibytes(n) or Size.mebibytes(n)');
export const DURATION = instanceOf(Duration, 'Duration.seconds(n), Duration.minutes(n), ...');
export const CPU = instanceOf(Cpu, 'Cpu.millis(n) or Cpu.units(n)');
export const CRON = instanceOf(Cron, 'Cron.schedule({ ... }), Cron.daily(), ...');
export const STRINGS = arrayOf('string');
export const STRING_MAP = recordOf('string');

export const CONTAINER_RESOURCES = shape<ContainerResources>({
  cpu: optional(CPU), cpuLimit: optional(CPU), memory: optional(SIZE),
}, 'container resources ({ cpu, cpuLimit, memory })');

export const CONTAINER_SPEC = shape<ContainerSpec>({
  image: CONTAINER_IMAGE,
  command: optional(STRINGS),
  args: optional(STRINGS),
  env: optional(STRING_MAP),
  resources: optional(CONTAINER_RESOURCES),
  gpus: optional('number'),
}, 'a container spec ({ image, command, args, env, resources, gpus })');

export const VOLUME_ATTACHMENTS = arrayOf(like<VolumeAttachment>({ volume: 'object', mount: 'object' }, 'a volume attachment (sharedVolume.mount(path))'));

export const SHARED_VOLUME = like<ISharedVolume>({ claimName: 'string', mount: 'function', uri: 'function' },
  'a shared volume (new SharedVolume(...), SharedVolume.fromClaimName(...) or a DatasetCache\'s volume)');

export const LOCAL_QUEUE = like<ILocalQueue>({ name: 'string', namespace: 'string' },
  'a Kueue LocalQueue (team.queue, new KueueLocalQueue(...) or KueueLocalQueue.fromName(name, namespace))');

export const PRIORITY_CLASS = like<IPriorityClass>({ name: 'string', value: 'number' },
  'a PriorityClass (platformPriorities.priorityClass(tier) or PodPriorityClass.fromName(name, value))');

export const WORKLOAD_PRIORITY_CLASS = like<IWorkloadPriorityClass>({ name: 'string', value: 'number' },
  'a Kueue WorkloadPriorityClass (platformPriorities.workloadPriorityClass(tier) or KueueWorkloadPriorityClass.fromName(name, value))');

export const VOLCANO_QUEUE = like<IVolcanoQueue>({ name: 'string' }, 'a Volcano queue (team.addVolcanoQueue() or VolcanoQueue.fromName(name))');
