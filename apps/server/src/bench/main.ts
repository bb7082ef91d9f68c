/**
 * `npm run bench [-- --quick] [--only id,id] [--no-write]`: runs the benchmarks one after another,
 * prints each as it finishes, and writes BENCHMARKS.md at the project root (unless --quick,
 * --no-write or --only, since a smoke or partial run must not replace the full report).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runEntries } from './harness.ts';
import { machineInfo } from './machine.ts';
import { allBenchmarks } from './registry.ts';
import { consoleText, markdown } from './report.ts';

const REPORT = fileURLToPath(new URL('../../../../BENCHMARKS.md', import.meta.url));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      write: { type: 'boolean', default: false },
    },
  });
  const all = allBenchmarks();
  let entries = all;
  if (values.only) {
    const ids = values.only.split(',').map((s) => s.trim());
    const unknown = ids.filter((id) => !all.some((e) => e.id === id));
    if (unknown.length) {
      process.stderr.write(
        `unknown benchmark ${unknown.join(', ')}; known: ${all.map((e) => e.id).join(', ')}\n`,
      );
      return 2;
    }
    entries = all.filter((e) => ids.includes(e.id));
  }
  const machine = machineInfo();
  process.stdout.write(
    `AgeLab benchmarks${values.quick ? ' (quick)' : ''} on ${machine.cpu}, ${machine.cores} cores, node ${machine.node}\n`,
  );
  const t0 = performance.now();
  const outcomes = await runEntries(
    entries,
    { quick: values.quick, log: (l) => process.stdout.write(l + '\n') },
    (o) => process.stdout.write(consoleText(o) + (o.error ? `\n${o.error}` : '') + '\n\n'),
  );
  const total = (performance.now() - t0) / 1000;
  process.stdout.write(`all done in ${total.toFixed(1)} s\n`);
  // A partial run (--only) writes only when asked (--write), so it never silently drops entries;
  // a quick run never does (its figures are a smoke test, and the clone stays clean).
  const write = !values['no-write'] && !values.quick && (!values.only || values.write);
  if (write) {
    writeFileSync(REPORT, markdown(outcomes, machine, values.quick, total));
    process.stdout.write(`wrote ${REPORT}\n`);
  }
  return outcomes.some((o) => o.error) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
