import { statusPaths } from './status-paths';
import { SemanticRule } from '../semantic-rule';

/** Every semantic rule, in the order they report. */
export const SEMANTIC_RULES: readonly SemanticRule[] = [
  statusPaths,
];
