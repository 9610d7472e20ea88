import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { buildPlatform, stackDefaultPools } from '../../charts';
import { CONFIG_NAMESPACE, parseStackConfig } from '../../stacks/config';
import { planPlatform, stackTarget } from '../../stacks/program';

jest.setTimeout(60_000);

/** The project keys of a committed stack file, and the AWS region when it sets one. */
function stackFile(stack: string): { raw: Record<string, unknown>; awsRegion?: string } {
  const config: Record<string, unknown> = parse(fs.readFileSync(path.resolve(__dirname, `../../Pulumi.${stack}.yaml`), 'utf8')).config;
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw = Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  return { raw, awsRegion: config['aws:region'] as string | undefined };
}

/**
 * What `pulumi up` would run first for each committed stack: its config parsed, the pinned
 * releases, and the semantic checks over exactly the charts it deploys, against its target.
 */
test.each(['local', 'eks', 'gke', 'eks-gpu', 'gke-gpu'])('Pulumi.%s.yaml parses and plans without problems', (stack) => {
  const { raw, awsRegion } = stackFile(stack);
  const config = parseStackConfig(raw, stackDefaultPools, { awsRegion });
  const plan = planPlatform(config, buildPlatform({ target: stackTarget(config), pools: config.pools }));
  expect(plan.manifests.length).toBeGreaterThan(0);
  expect(plan.target.storage.name).toBe(config.cluster);
});
