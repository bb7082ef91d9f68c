/**
 * `npm run bench [-- --quick] [--only id,id] [--no-write]`: runs the benchmarks one after another,
 * prints each as it finishes, and writes BENCHMARKS.md at the project root (unless --quick,
 * --no-write or --only, since a smoke or partial run must not replace the full report).
 */
import { spawnSync } from 'node:child_process';
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

/**
 * Large typed arrays on transparent hugepages: glibc (2.35+) madvises the chunks it maps when
 * told to, and the tunable is read only at process start, so the bench re-executes itself with
 * it once. The bare loops get it too, so ratios stay fair; without it a 64M-page guest's random
 * stores spend most of their time in page walks (measured: 0.14 against 0.48 × the bare loop).
 */
const HUGEPAGES = 'glibc.malloc.hugetlb=1';
function reexecWithHugepages(): number | null {
  if (process.platform !== 'linux' || (process.env.GLIBC_TUNABLES ?? '').includes('hugetlb'))
    return null;
  const tunables = [process.env.GLIBC_TUNABLES, HUGEPAGES].filter(Boolean).join(':');
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, GLIBC_TUNABLES: tunables },
  });
  return r.status ?? 1;
}

const reexec = reexecWithHugepages();
if (reexec !== null) process.exit(reexec);

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
