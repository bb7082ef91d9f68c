import { BELIEF_HOT_SWAPPED, Comparison, classOf, getPreset, pageClasses } from '@agelab/sim-core';
import { describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { DEFAULT_CONFIG } from './config.ts';
import type { PageHistory } from './page-history.ts';
import { createRun } from './test-support.ts';

const BELIEF = 2;

/** A gfn that is hot but swapped out under always-old at some moment of [from, to] seconds. */
function hotSwappedPage(from: number, to: number): { gfn: number; at: number } {
  const cmp = new Comparison(getPreset('classic'), ['always-old'], 1);
  cmp.runFor(from);
  for (let t = from; t <= to; t += 0.25) {
    const words = pageClasses(cmp.sims[0]);
    const gfn = words.findIndex((w) => classOf(w, BELIEF) === BELIEF_HOT_SWAPPED);
    if (gfn >= 0) return { gfn, at: cmp.time };
    cmp.runFor(0.25);
  }
  throw new Error('no hot page swapped out in the window');
}

describe('a page history', () => {
  it('shows the swap-out of a hot page under always-old with its reclaim pass and the kvm_age_rmapp answer, and none under unmap-emulation', async () => {
    const app = await buildApp({ ...DEFAULT_CONFIG, webDist: '/nonexistent' }, { logger: false });
    const { gfn, at } = hotSwappedPage(12, 30);
    const { id } = await createRun(app, {
      preset: 'classic',
      policies: ['always-old', 'unmap-emulation'],
    });
    const from = Math.max(0, at - 4);
    const res = await app.inject({
      method: 'GET',
      url: `/api/runs/${id}/pages/${gfn}/history?from=${from}&to=${at}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const h = res.json<PageHistory>();
    expect(h.gfn).toBe(gfn);
    const [old, patched] = h.runs;
    expect(old.policy).toBe('always-old');
    const outs = old.events.filter((e) => e.kind === 'swap_out');
    expect(outs.length).toBeGreaterThan(0);
    const out = outs[outs.length - 1];
    expect(out.pass).not.toBeNull();
    expect(out.path).toMatch(/shrink_page_list → pageout/);
    // In that pass, page_referenced asked KVM, and kvm_age_rmapp said old.
    const age = old.events.filter(
      (e) => e.kind === 'age' && e.pass === out.pass && e.refIndex <= out.refIndex,
    );
    expect(age.length).toBeGreaterThan(0);
    expect(age.every((e) => e.verdict === 'old')).toBe(true);
    expect(age[0].path).toMatch(/kvm_age_rmapp: old/);
    expect(old.events.some((e) => e.kind === 'false_verdict' && e.verdict === 'false old')).toBe(
      true,
    );
    expect(old.end.classes.residency).toMatch(/swapped|swapcache/);
    // Under the patch, the same page is never swapped out in the window; aging unmapped it instead.
    expect(patched.events.filter((e) => e.kind === 'swap_out')).toEqual([]);
    // events are in order of time
    for (const r of h.runs)
      for (let i = 1; i < r.events.length; i++)
        expect(r.events[i].refIndex).toBeGreaterThanOrEqual(r.events[i - 1].refIndex);
    await app.close();
  });

  it('refuses a window that is too long, a gfn past the guest, and a second replay at once', async () => {
    const app = await buildApp(
      { ...DEFAULT_CONFIG, webDist: '/nonexistent', maxPageHistorySeconds: 5 },
      { logger: false },
    );
    const { id } = await createRun(app, { preset: 'classic', policy: 'always-old' });
    const long = await app.inject({ url: `/api/runs/${id}/pages/10/history?from=0&to=6` });
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({
      error: 'limit',
      message: expect.stringMatching(/at most 5 simulated seconds/),
    });
    const past = await app.inject({ url: `/api/runs/${id}/pages/65536/history?from=0&to=1` });
    expect(past.statusCode).toBe(400);
    expect(past.json().message).toMatch(/gfn: 65536 is past the guest's last frame \(65535\)/);
    const [a, b] = await Promise.all([
      app.inject({ url: `/api/runs/${id}/pages/10/history?from=0&to=5` }),
      app.inject({ url: `/api/runs/${id}/pages/11/history?from=0&to=5` }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 429]);
    await app.close();
  });
});
