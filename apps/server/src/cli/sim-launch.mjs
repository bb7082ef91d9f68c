/**
 * `npm run sim`'s entry point, plain JavaScript so that node starts it without a TypeScript
 * loader. It runs a bundle of sim.ts (and the sim-core and ept-model sources it imports) built by
 * esbuild into node_modules/.cache/agelab/ on first use and rebuilt whenever one of its inputs is
 * newer than the bundle; transpiling those sources on every start (tsx) was most of a short
 * run's time. Without esbuild, or if building fails, it falls back to tsx.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const entry = fileURLToPath(new URL('./sim.ts', import.meta.url));
const cacheDir = `${root}node_modules/.cache/agelab`;
const bundle = `${cacheDir}/sim.mjs`;
const inputsFile = `${cacheDir}/sim.inputs.json`;

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
};

/** The bundle, if every input it was built from is older than it. */
function fresh() {
  const built = mtime(bundle);
  if (built === Infinity) return false;
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
  } catch {
    return false;
  }
  return Array.isArray(inputs) && inputs.every((p) => mtime(`${root}${p}`) < built);
}

async function build() {
  const esbuild = await import('esbuild');
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${bundle}.${process.pid}.tmp`;
  const result = esbuild.buildSync({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: tmp,
    metafile: true,
    logLevel: 'silent',
    // a dependency written as CommonJS may require() node builtins
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  const inputs = Object.keys(result.metafile.inputs).concat([
    'package-lock.json',
    'apps/server/src/cli/sim-launch.mjs',
  ]);
  writeFileSync(`${inputsFile}.${process.pid}.tmp`, JSON.stringify(inputs));
  renameSync(`${inputsFile}.${process.pid}.tmp`, inputsFile);
  renameSync(tmp, bundle);
}

async function load() {
  if (!fresh()) {
    try {
      await build();
    } catch {
      // no esbuild, or it failed: run the sources through tsx instead
      const { register } = await import('tsx/esm/api');
      register();
      return import(pathToFileURL(entry).href);
    }
  }
  return import(pathToFileURL(bundle).href);
}

const { runSim } = await load();
process.exitCode = await runSim(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
});
