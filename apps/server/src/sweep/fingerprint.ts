import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The source trees a run's result depends on: the model packages. */
const MODEL_PACKAGES = ['@agelab/ept-model', '@agelab/sim-core'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

let cached: string | undefined;

/**
 * A hash of the model's source (ept-model and sim-core, tests left out). It is part of every
 * queued job's id, so a result kept in Redis is only reused by the same model, and a worker
 * refuses a job queued by a different one instead of mixing two models' results in one sweep.
 */
export function modelFingerprint(): string {
  if (cached) return cached;
  const h = createHash('sha256');
  for (const pkg of MODEL_PACKAGES) {
    const root = dirname(fileURLToPath(import.meta.resolve(pkg)));
    for (const f of sourceFiles(root)) {
      h.update(`${pkg}/${relative(root, f)}\0`);
      h.update(readFileSync(f));
      h.update('\0');
    }
  }
  cached = h.digest('hex').slice(0, 16);
  return cached;
}
