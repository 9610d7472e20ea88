// What every step of verify-pulumi works with (the stack, its workspace, the cluster client) and
// the record of its checks. Apart from steps.ts so that refresh-steps.ts and steps.ts need not
// import each other.

import type { Stack } from '@pulumi/pulumi/automation';
import type { KubeClient } from './kube';
import type { PulumiOptions } from './options';
import type { StackSettings } from './stack-settings';

/** What every step works with. */
export interface StepContext {
  stack: Stack;
  work: string;
  stackName: string;
  opts: PulumiOptions;
  log: (line: string) => void;
  kube: KubeClient;
  settingsFor: (overrides: Record<string, unknown>) => StackSettings;
}

/** Records check results; `fail` lines make the run exit 1. */
export class Checks {
  readonly failures: string[] = [];

  constructor(private readonly log: (line: string) => void) {}

  ok(what: string): void {
    this.log(`  ok   ${what}`);
  }

  fail(what: string, details: readonly string[] = []): void {
    this.failures.push(what);
    this.log(`  FAIL ${what}`);
    for (const d of details.slice(0, 25)) this.log(`       ${d}`);
    if (details.length > 25) this.log(`       ... and ${details.length - 25} more`);
  }

  expect(cond: boolean, what: string, details?: readonly string[]): boolean {
    if (cond) this.ok(what);
    else this.fail(what, details);
    return cond;
  }
}
