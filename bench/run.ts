// `npm run bench [-- <section>… ] [--no-package]`: runs the bench sections (default: all),
// prints one table and writes bench/results/latest.json (a run of some sections: partial-<names>.json).
// Exits non-zero only when something could not be measured; a missed target is reported, not failed.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchEnv, forkTs, ROOT } from './lib/child';
import { formatTable, isMissing, toJson, type SectionResult } from './lib/report';
import { startServer, type BenchServer } from './lib/server';
import { SECTIONS } from './sections';
import type { BenchContext, Section } from './sections/types';

function parseArgs(argv: string[]): { sections: Section[]; noPackage: boolean } {
  const names = argv.filter((a) => !a.startsWith('--'));
  const unknown = argv.filter((a) => a.startsWith('--') && a !== '--no-package');
  if (unknown.length) throw new Error(`unknown option ${unknown.join(' ')}`);
  const sections = names.length === 0 ? [...SECTIONS] : names.map((n) => {
    const s = SECTIONS.find((x) => x.name === n);
    if (!s) throw new Error(`unknown section "${n}"; sections: ${SECTIONS.map((x) => x.name).join(', ')}`);
    return s;
  });
  return { sections, noPackage: argv.includes('--no-package') };
}

async function main(): Promise<number> {
  const { sections, noPackage } = parseArgs(process.argv.slice(2));
  // The in-process client must not pick up this machine's AWS profile, keys or proxy.
  const env = benchEnv();
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, env);

  let server: Promise<BenchServer> | undefined;
  const ctx: BenchContext = {
    noPackage,
    server: () => (server ??= startServer(forkTs(require.resolve('./lib/serverChild'), []))),
    log: (line) => process.stderr.write(`${line}\n`),
    vscodeVersion: null,
  };
  const done: Array<{ name: string; result: SectionResult }> = [];
  const failures: string[] = [];
  const started = performance.now();
  try {
    for (const section of sections) {
      ctx.log(`== ${section.name}: ${section.description}`);
      const t0 = performance.now();
      try {
        const result = await section.run(ctx);
        done.push({ name: `${section.name} (${((performance.now() - t0) / 1000).toFixed(1)} s)`, result });
        for (const f of result.figures) if (isMissing(f)) failures.push(`${section.name}: ${f.key} is missing`);
      } catch (err) {
        failures.push(`${section.name}: could not measure: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      }
    }
  } finally {
    await server?.then((s) => s.stop(), () => undefined);
  }

  console.log(formatTable(done));
  const json = {
    date: new Date().toISOString(),
    cpu_model: os.cpus()[0]?.model ?? 'unknown',
    cpu_count: os.cpus().length,
    node_version: process.version,
    vscode_version: ctx.vscodeVersion,
    sections: sections.map((s) => s.name).join(','),
    duration_s: Math.round((performance.now() - started) / 100) / 10,
    ...toJson(done.flatMap((d) => d.result.figures)),
  };
  // A run of some sections leaves the full run's figures in latest.json alone.
  const all = sections.length === SECTIONS.length;
  const out = path.join(ROOT, 'bench', 'results', all ? 'latest.json' : `partial-${sections.map((s) => s.name).join('-')}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(`${out}.tmp`, `${JSON.stringify(json, null, 2)}\n`);
  renameSync(`${out}.tmp`, out);
  console.log(`\n${json.cpu_model} ×${json.cpu_count}, Node ${json.node_version}, VS Code ${json.vscode_version ?? '- (no VS Code section ran)'}; ` +
    `${json.duration_s} s; written to ${path.relative(ROOT, out)}`);
  for (const f of failures) console.error(`bench: ${f}`);
  return failures.length ? 1 : 0;
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(err);
  process.exit(2);
});
