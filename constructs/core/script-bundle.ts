import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { propError } from './errors';
import { validateName } from './names';
import { PROGRAM_FACTS_ANNOTATION, ProgramFacts } from './program-facts';
import { optional, PropChecks, recordOf, requireProps, requireValue } from './required-props';
import { VolumeAttachment } from './volume-types';

/** Properties for `ScriptBundle`. */
export interface ScriptBundleProps {
  /** @default - the construct id */
  readonly name?: string;
  /** File name → content (e.g. `train.py` → the program). */
  readonly files: Readonly<Record<string, string>>;
  /**
   * What each program expects (flags, environment, reads, writes), by file name: the semantic
   * checks hold commands and workflow outputs against it.
   * @default - unknown
   */
  readonly programs?: Readonly<Record<string, ProgramFacts>>;
}

const PROP_CHECKS: PropChecks<ScriptBundleProps> = { name: optional('string'), files: recordOf('string'), programs: optional(recordOf('object')) };

/** ConfigMap data is limited to 1 MiB in total (etcd object size; Kubernetes v1.34 validation). */
const MAX_BYTES = 1024 * 1024;

/**
 * Small programs shipped with the chart instead of baked into an image: a ConfigMap mounted
 * read-only into the pods that run them, so a stock framework image (pinned) runs the project's own
 * code and the semantic checks see exactly which files a command can find.
 */
export class ScriptBundle extends Construct {
  public readonly name: string;
  public readonly files: readonly string[];
  private readonly programs?: Readonly<Record<string, ProgramFacts>>;

  constructor(scope: Construct, id: string, props: ScriptBundleProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    this.name = validateName(this, 'name', props.name ?? id);
    const names = Object.keys(props.files).sort();
    if (!names.length) throw propError(this, 'files', props.files, 'give at least one file');
    for (const f of names) {
      // ConfigMap keys: [-._a-zA-Z0-9]+ (k8s.io/apimachinery IsConfigMapKey).
      if (!/^[-._a-zA-Z0-9]+$/.test(f)) throw propError(this, 'files', f, 'file names are ConfigMap keys: letters, digits, -, _ and . only');
    }
    const bytes = names.reduce((n, f) => n + Buffer.byteLength(props.files[f]), 0);
    if (bytes > MAX_BYTES) throw propError(this, 'files', `${bytes} bytes`, 'a ConfigMap holds at most 1 MiB; bake larger programs into an image');
    this.files = names;
    this.programs = props.programs;
    for (const f of Object.keys(props.programs ?? {})) {
      if (!names.includes(f)) throw propError(this, 'programs', f, `describe only files of the bundle (${names.join(', ')})`);
    }
    const facts = props.programs && Object.keys(props.programs).length ? { [PROGRAM_FACTS_ANNOTATION]: JSON.stringify(props.programs) } : undefined;
    new k8s.KubeConfigMap(this, 'Resource', {
      metadata: { name: this.name, annotations: facts },
      data: Object.fromEntries(names.map((f) => [f, props.files[f]])),
    });
  }

  /** Mounts the bundle read-only at `directory`; scripts are then `<directory>/<file>`. */
  public mount(directory: string): VolumeAttachment {
    requireValue(this, 'mountPath', directory, 'string');
    if (!directory.startsWith('/')) throw propError(this, 'mountPath', directory, 'use an absolute path');
    const volume = this.name.replace(/\./g, '-').slice(0, 63).replace(/-+$/, '');
    return {
      volume: { name: volume, configMap: { name: this.name, defaultMode: 0o444 } },
      mount: { name: volume, mountPath: directory, readOnly: true },
      programs: this.programs,
    };
  }

  /** `<directory>/<file>`, refusing a file the bundle does not have. */
  public path(directory: string, file: string): string {
    if (!this.files.includes(file)) throw propError(this, 'file', file, `the bundle has ${this.files.join(', ')}`);
    return `${directory.replace(/\/+$/, '')}/${file}`;
  }
}
