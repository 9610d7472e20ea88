import * as pulumi from '@pulumi/pulumi';
import { mockedCloudState as computedState } from '../../stacks/preview';

/** One registered resource as the mock monitor saw it. */
export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  /** URNs this resource was registered as depending on. */
  readonly dependencies: string[];
}

/**
 * Installs Pulumi mocks with `config` (project keys, JSON for structured values) and records every
 * registration, including its dependency URNs (read from the request the mock monitor receives).
 */
export function installMocks(config: Record<string, string>, otherNamespaces: Record<string, string> = {}): Registered[] {
  const registered: Registered[] = [];
  const pending = new Map<string, string[]>();
  pulumi.runtime.setAllConfig({ ...Object.fromEntries(Object.entries(config).map(([k, v]) => [`ml-platform-patterns:${k}`, v])), ...otherNamespaces });
  pulumi.runtime.setMocks({
    newResource: (args) => {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs, dependencies: pending.get(args.name) ?? [] });
      return { id: `${args.name}-id`, state: computedState(args.type, args.name, args.inputs) };
    },
    call: (args) => args.inputs,
  }, 'ml-platform-patterns', 'test', false);
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: any) => {
    pending.set(req.getName(), req.getDependenciesList());
    return register(req, callback);
  };
  return registered;
}

/** Resolves an output's value (mocks resolve everything). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => {
    output.apply((v) => {
      resolve(v as T);
      return v;
    });
  });
}

/** The objects deployed for a chart: prelude group, volumes, the group of looked-up objects, rest group, in that order. */
export function deployedObjects(rs: readonly Registered[], chart: string): Record<string, any>[] {
  // Namespaces holding retained volumes are resources of their own, kept on delete like them.
  const namespaces = rs.filter((r) => r.type === 'kubernetes:core/v1:Namespace' && r.name.startsWith(`charts-${chart}-namespace-`)).map((r) => r.inputs);
  const prelude = rs.find((r) => r.name === `charts-${chart}-prelude`)?.inputs.objs ?? [];
  const volumes = volumesOf(rs, chart).map((r) => r.inputs);
  const referenced = rs.find((r) => r.name === `charts-${chart}-referenced`)?.inputs.objs ?? [];
  return [...namespaces, ...prelude, ...volumes, ...referenced, ...named(rs, `charts-${chart}`).inputs.objs];
}

/** Waits until the program's registrations have reached the mocks. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 20));
}

export const ofType = (rs: readonly Registered[], type: string) => rs.filter((r) => r.type === type);
/** Every object a deployed chart's ConfigGroups register (`charts-<chart>`, `charts-<chart>-prelude`, ...). */
export const chartObjects = (rs: readonly Registered[], chart: string): Record<string, any>[] => rs
  .filter((r) => (r.name === `charts-${chart}` || r.name.startsWith(`charts-${chart}-`)) && Array.isArray(r.inputs.objs))
  .flatMap((r) => r.inputs.objs);

export const named = (rs: readonly Registered[], name: string) => {
  const r = rs.find((x) => x.name === name);
  if (!r) throw new Error(`no resource named ${name}; have ${rs.map((x) => x.name).join(', ')}`);
  return r;
};
/** The logical name in a URN (`...::name`). */
export const urnName = (urn: string) => urn.slice(urn.lastIndexOf('::') + 2);

/** The PersistentVolumeClaim resources of one chart. */
export function volumesOf(rs: readonly Registered[], chart: string): Registered[] {
  return rs.filter((r) => r.type === 'kubernetes:core/v1:PersistentVolumeClaim' && r.name === `charts-${chart}-${r.inputs.metadata.name}`);
}

/**
 * The example pools as a kind cluster's `pools` config: each pool lists as many workers as its
 * maxSize, named the way kind names them (kind-worker, kind-worker2, ...), in pool order.
 */
export function kindExamplePools(): Record<string, unknown>[] {
  const { examplePools } = require('../../charts');
  const { poolsConfigOf } = require('../../stacks/config');
  let n = 0;
  const pools = Object.values(examplePools) as { name: string; maxSize: number }[];
  const nodes = Object.fromEntries(pools.map((p) => [p.name, Array.from({ length: p.maxSize }, () => (++n === 1 ? 'kind-worker' : `kind-worker${n}`))]));
  return poolsConfigOf(pools, nodes);
}

/**
 * A committed `Pulumi.<stack>.yaml` as `installMocks` arguments: the project keys (lists and
 * objects as the JSON Pulumi hands the program, scalars as their text) and the other namespaces.
 */
export function stackFileMocks(stack: string): { config: Record<string, string>; otherNamespaces: Record<string, string> } {
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const { parse } = require('yaml') as typeof import('yaml');
  const all: Record<string, unknown> = parse(fs.readFileSync(path.resolve(__dirname, `../../Pulumi.${stack}.yaml`), 'utf8')).config;
  const text = (v: unknown) => (typeof v === 'object' ? JSON.stringify(v) : String(v));
  const prefix = 'ml-platform-patterns:';
  const config: Record<string, string> = {};
  const otherNamespaces: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) {
    if (k.startsWith(prefix)) config[k.slice(prefix.length)] = text(v);
    else otherNamespaces[k] = text(v);
  }
  return { config, otherNamespaces };
}
