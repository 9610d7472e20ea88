/** Prefix of every label and annotation key this project defines. */
export const LABEL_DOMAIN = 'mlpatterns.dev';

/** Label keys shared by the constructs (one place, so selectors and emitters agree). */
export const Labels = {
  /** Node label carrying the node pool name; workloads select pools with it. */
  NODE_POOL: `${LABEL_DOMAIN}/node-pool`,
  /** Node label carrying the accelerator name (e.g. nvidia-l4), or `none`. */
  ACCELERATOR: `${LABEL_DOMAIN}/accelerator`,
  /** Node label carrying the capacity type (on-demand or spot). */
  CAPACITY_TYPE: `${LABEL_DOMAIN}/capacity-type`,
  /** Owner of every object the project synthesizes: one inventory for pruning. */
  MANAGED_BY: 'app.kubernetes.io/managed-by',
  NAME: 'app.kubernetes.io/name',
  INSTANCE: 'app.kubernetes.io/instance',
  COMPONENT: 'app.kubernetes.io/component',
  PART_OF: 'app.kubernetes.io/part-of',
} as const;

/** Value of `app.kubernetes.io/managed-by` on every synthesized object. */
export const MANAGED_BY_VALUE = 'ml-platform-patterns';
