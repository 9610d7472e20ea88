import { PROGRAM_FACTS_ANNOTATION, ProgramFacts } from '../core/program-facts';
import { factsOfImage } from './declared-externals';
import type { PodTemplate } from './manifest-entry';
import type { CheckContext } from './semantic-rule';

/**
 * The facts of the program at `path` in container `c` of `t`: from the ScriptBundle ConfigMap
 * mounted where it lives (the deepest mount holding the path; its `PROGRAM_FACTS_ANNOTATION`), else
 * from the image's facts. Undefined when nobody described it.
 */
export function programFactsAt(ctx: CheckContext, t: PodTemplate, c: Record<string, any>, path: string): ProgramFacts | undefined {
  const dirOf = (m: Record<string, any>) => String(m.mountPath).replace(/\/$/, '');
  const mount = [...(c.volumeMounts ?? [])]
    .filter((m: Record<string, any>) => path.startsWith(`${dirOf(m)}/`))
    .sort((a: Record<string, any>, b: Record<string, any>) => b.mountPath.length - a.mountPath.length)[0];
  if (!mount) return factsOfImage(ctx.target, String(c.image))?.programs?.[path];
  const volume = (t.spec.volumes ?? []).find((v: Record<string, any>) => v.name === mount.name);
  const json = volume?.configMap ? ctx.index.find('/ConfigMap', t.entry.namespace, volume.configMap.name)?.object.metadata?.annotations?.[PROGRAM_FACTS_ANNOTATION] : undefined;
  return json ? (JSON.parse(json) as Record<string, ProgramFacts>)[path.slice(dirOf(mount).length + 1)] : undefined;
}
