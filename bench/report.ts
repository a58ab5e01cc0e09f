import { cpus } from 'node:os';

export interface Figure {
  app: number;
  ceiling: number;
  ratio: number;
  unit: string;
  sizeBytes: number;
  goal: string;
  extra?: Record<string, number>;
}

export function machine(): Record<string, string | number> {
  return { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform };
}

export function table(results: Record<string, Figure>): string {
  const rows = Object.entries(results).map(([name, f]) =>
    [name, f.app.toFixed(1), f.ceiling.toFixed(1), f.ratio.toFixed(2), f.goal, f.unit, `${(f.sizeBytes / 1024 / 1024).toFixed(0)} MiB`].join(' | '),
  );
  return ['item | app | ceiling | ratio | goal | unit | size', '--- | --- | --- | --- | --- | --- | ---', ...rows].join('\n');
}
