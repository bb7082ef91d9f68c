/**
 * The stream and viewer benchmarks need the Fastify app (apps/server/src/app.ts). It is loaded by
 * a computed path so this harness type-checks and runs whether or not the app exists yet; when it
 * does not, those benchmarks report "not measured" instead of failing.
 */
export type BuildApp = (opts?: Record<string, unknown>) => Promise<unknown> | unknown;

export async function loadBuildApp(): Promise<BuildApp | string> {
  const url = new URL('../app.ts', import.meta.url).href;
  let mod: unknown;
  try {
    mod = await import(url);
  } catch (e) {
    return `server not available: apps/server/src/app.ts could not be loaded (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
  }
  const build = (mod as { buildApp?: unknown }).buildApp;
  if (typeof build !== 'function') return 'server not available: apps/server/src/app.ts exports no buildApp';
  return build as BuildApp;
}
