import { parseStackConfig } from '../../stacks/config';
import { planPlatform } from '../../stacks/program';
import { buildPlatform, examplePools } from '../../charts';
import { installMocks, kindExamplePools, named, promiseOf, Registered, settle, urnName } from './mocks';

// `operatorInstall: external`: the operators exist already (installed out of band, e.g. from
// vendored charts on an offline cluster); the stack installs none but checks against them.
jest.setTimeout(60_000); // loading the Pulumi SDKs takes seconds on 2 busy cores

// Every example chart fits: each pool has the nodes the example charts were sized for.
const POOLS = kindExamplePools();

test.each([
  [{}, 'stack'],
  [{ operatorInstall: 'stack' }, 'stack'],
  [{ operatorInstall: 'external' }, 'external'],
])('operatorInstall of %j parses as %s', (raw, mode) => {
  expect(parseStackConfig(raw, Object.values(examplePools)).operatorInstall).toBe(mode);
});

test.each([
  ['an unknown mode', 'helm', /operatorInstall' is 'helm'; use one of stack, external/],
  ['a boolean', true, /operatorInstall' is true; use one of stack, external/],
])('operatorInstall rejects %s', (_label, value, message) => {
  expect(() => parseStackConfig({ operatorInstall: value }, Object.values(examplePools))).toThrow(message);
});

test('external operators are still checked: an incompatible selection fails in the plan', () => {
  const config = parseStackConfig({ operatorInstall: 'external', operators: ['kserve-crd', 'kserve'] }, Object.values(examplePools));
  expect(() => planPlatform(config, buildPlatform())).toThrow(/kserve requires cert-manager/);
});

describe('the local program with operatorInstall external', () => {
  let registered: Registered[];
  let program: typeof import('../../stacks/index');

  beforeAll(async () => {
    registered = installMocks({ cluster: 'local', operatorInstall: 'external', pools: JSON.stringify(POOLS) });
    program = require('../../stacks/index');
    await promiseOf(program.kubeconfig);
    await settle();
  });

  test('registers nothing of the operators: no component, release, chart or kustomization', () => {
    expect(registered.length).toBeGreaterThan(0);
    const operatorish = registered.filter((r) => r.name.startsWith('operators') || r.type.includes(':helm.') || r.type.includes(':kustomize')
      || r.type === 'mlp:operators:PlatformOperators');
    expect(operatorish.map((r) => `${r.type} ${r.name}`)).toEqual([]);
  });

  test('charts still wait for the labelled nodes, and every chart is deployed', () => {
    const first = registered.filter((r) => r.name.startsWith('charts-') && r.type.startsWith('kubernetes:'));
    expect(first.length).toBeGreaterThan(0);
    for (const r of first) expect(r.dependencies.map(urnName)).toEqual(expect.arrayContaining(['mlp-cpu-kind-worker', 'mlp-gpu-l4-kind-worker5']));
    // The program builds the charts for the stack's pools: the kind nodes of the example charts' pools, so no GPU examples.
    const expected = buildPlatform({ pools: parseStackConfig({ cluster: 'local', pools: POOLS }).pools }).synthManifests().map((m) => m.name);
    expect(expected).not.toContain('gpu-examples');
    expect(program.charts).toEqual(expected);
    for (const chart of expected) expect(named(registered, `charts-${chart}`).type).toBe('kubernetes:yaml/v2:ConfigGroup');
  });

  test('outputs still name the operator versions checked against and the Argo UI', () => {
    const { OPERATOR_VERSIONS, DEFAULT_OPERATORS } = require('../../stacks/operators/versions');
    const versions = program.operatorVersions;
    expect(Object.keys(versions).sort()).toEqual([...DEFAULT_OPERATORS].sort());
    for (const name of DEFAULT_OPERATORS) expect(versions[name]).toBe(OPERATOR_VERSIONS['1.36'][name].source.version);
    expect(program.argoServer).toMatchObject({ service: expect.stringContaining('argo') });
  });
});
