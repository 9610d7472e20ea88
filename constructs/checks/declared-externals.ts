import { IMAGE_FACTS_CHECK, ImageFacts, imageFactsOf, sameImageFacts } from '../core/image';
import { arrayOf, oneOf, optional, PropChecks, recordOf, requireValue, shape } from '../core/required-props';
import { propError } from '../core/errors';
import { AccessMode, StorageClassRef } from '../core/volume-types';
import type { DeclaredExternals, PlatformTarget } from './platform-target';

export type { DeclaredExternals };

const NAMESPACED = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;

const EXTERNALS_CHECKS: PropChecks<DeclaredExternals> = {
  storageClasses: optional(arrayOf(shape<StorageClassRef>({ name: 'string', accessModes: arrayOf(oneOf(AccessMode, 'AccessMode')) }, 'a StorageClass ({ name, accessModes: AccessMode[] })'))),
  namespaces: optional(arrayOf('string')),
  serviceAccounts: optional(arrayOf('string')),
  priorityClasses: optional(arrayOf('string')),
  metrics: optional(arrayOf('string')),
  metricsApis: optional('object'),
  claims: optional(arrayOf('string')),
  localQueues: optional(arrayOf('string')),
  images: optional(recordOf(IMAGE_FACTS_CHECK)),
  deviceClasses: optional(arrayOf('string')),
};

/**
 * The target with `externals` declared on it, merged with what it declared before. The same image
 * facts twice are fine (two teams sharing an image); different facts for one image are an error.
 * @throws naming the target and the prop when a value is malformed.
 */
export function withExternals(target: PlatformTarget, externals: DeclaredExternals): PlatformTarget {
  const where = { kind: 'withExternals', path: target.source };
  requireValue(where, 'externals', externals, shape<DeclaredExternals>(EXTERNALS_CHECKS, 'declared externals ({ storageClasses, namespaces, serviceAccounts, priorityClasses, metrics, metricsApis, claims, localQueues, images, deviceClasses })'));
  for (const prop of ['serviceAccounts', 'claims', 'localQueues'] as const) {
    (externals[prop] ?? []).forEach((v, i) => {
      if (!NAMESPACED.test(v)) throw propError(where, `externals.${prop}[${i}]`, v, "write it as 'namespace/name'");
    });
  }
  const before = target.externals ?? {};
  const images: Record<string, ImageFacts> = { ...(before.images ?? {}) };
  for (const [ref, facts] of Object.entries(externals.images ?? {})) {
    const known = images[ref] ?? imageFactsOf(ref);
    if (known && !sameImageFacts(known, facts)) throw propError(where, `externals.images['${ref}']`, facts.source, `other facts are already known for this image (from ${known.source}); describe each image once`);
    images[ref] = facts;
  }
  const union = <T>(a: readonly T[] | undefined, b: readonly T[] | undefined) => [...new Set([...(a ?? []), ...(b ?? [])])];
  return {
    ...target,
    externals: {
      storageClasses: [...(before.storageClasses ?? []), ...(externals.storageClasses ?? [])],
      namespaces: union(before.namespaces, externals.namespaces),
      serviceAccounts: union(before.serviceAccounts, externals.serviceAccounts),
      priorityClasses: union(before.priorityClasses, externals.priorityClasses),
      metrics: union(before.metrics, externals.metrics),
      metricsApis: { ...(before.metricsApis ?? {}), ...(externals.metricsApis ?? {}) },
      claims: union(before.claims, externals.claims),
      localQueues: union(before.localQueues, externals.localQueues),
      images,
      deviceClasses: union(before.deviceClasses, externals.deviceClasses),
    },
  };
}

/** What the image is known to be: declared on the target, else `withFacts` or the pinned map. */
export function factsOfImage(target: PlatformTarget | undefined, image: string): ImageFacts | undefined {
  return target?.externals?.images?.[image] ?? imageFactsOf(image);
}

/** True when the target declares `namespace/name` in `list`. */
export function declares(list: readonly string[] | undefined, namespace: string | undefined, name: string): boolean {
  return (list ?? []).includes(`${namespace ?? ''}/${name}`);
}
