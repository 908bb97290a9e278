// `npm run bench`: every area's figures beside their baselines, measured in this one run,
// printed and written to bench/results.json. See docs/benchmarks.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchContext, type BenchResult, benchContext } from './context';

const AREAS = ['pixel', 'ingester', 'ads', 'analytics', 'catalog'] as const;

function format(r: BenchResult): string {
  const value = `${r.value.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${r.unit}`;
  const base = r.baseline
    ? `  vs ${r.baseline.name} ${r.baseline.value.toLocaleString('en-US', { maximumFractionDigits: 2 })}`
    : '';
  const ratio = r.ratio === undefined ? '' : `  ratio ${r.ratio.toFixed(2)}`;
  const goal = r.goal ? `  (goal: ${r.goal})` : '';
  return `  ${r.name.padEnd(44)} ${value}${base}${ratio}${goal}`;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const ctx: BenchContext = await benchContext();
  const results: Record<string, BenchResult[] | { error: string }> = {};
  try {
    for (const area of AREAS) {
      if (only.length && !only.includes(area)) continue;
      console.log(`\n${area}`);
      const waited = await ctx.settle();
      if (waited > 1000)
        console.log(`  (waited ${Math.round(waited / 1000)} s for autovacuum after the previous area)`);
      try {
        const mod = (await import(`./${area}.ts`)) as { run(ctx: BenchContext): Promise<BenchResult[]> };
        const figures = await mod.run(ctx);
        for (const f of figures) console.log(format(f));
        results[area] = figures;
      } catch (err) {
        // One area failing must not lose the others' figures.
        console.error(`  ${area} failed:`, err);
        results[area] = { error: String(err) };
        process.exitCode = 1;
      }
    }
  } finally {
    await ctx.close();
  }
  const file = join(import.meta.dirname, 'results.json');
  // A run of some areas keeps the other areas' last figures.
  const previous = only.length && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).results : {};
  const merged = { ...previous, ...results };
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), results: merged }, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
