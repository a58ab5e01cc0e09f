/** Types for bundle-node.mjs, which signaling/load/swarm.ts imports. */
export function bundleNodeEntry(options: {
  /** The repository root; `entry` and `outfile` are relative to it (or absolute). */
  root: string;
  entry: string;
  outfile: string;
  sourcemap?: boolean;
  logLevel?: 'error' | 'warning';
}): Promise<string>;
