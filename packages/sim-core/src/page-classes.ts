import { SPTE_PRESENT } from '@agelab/ept-model';
import {
  HPAGE_SHIFT,
  PG_ACTIVE,
  PG_HEAD,
  PG_PRESENT,
  PG_SWAPCACHE,
  PG_TAIL,
  THP_COLLAPSED,
  THP_SPLIT_ONCE,
  VERDICT_AGREED_OLD,
  VERDICT_AGREED_YOUNG,
  VERDICT_FALSE_OLD,
  VERDICT_FALSE_YOUNG,
} from './host/page-flags.ts';
import type { Simulation } from './simulation.ts';

/**
 * Every page's class in every lens of the dashboard, packed in one 16-bit word (3 bits a lens,
 * in the order of protocol's LENS_NAMES; class indices as in its LENSES). The server keeps one
 * word per page, recomputes the words of chunks that changed, and counts them into cells.
 *
 *   bits 0-2 residency: untouched · EPT-mapped · resident, EPT-unmapped · swap cache · swapped
 *   bits 3-5 LRU: active · inactive · none
 *   bits 6-8 belief vs truth: no verdict · agreed · false old · false young · hot but swapped
 *   bits 9-11 heat: < h0 · < h1 · < h2 · older · never (h = heat thresholds in references)
 *   bits 12-14 hugepages: none · intact THP at 2M · intact THP not at 2M · split · collapsed
 */
export const CLASS_BITS = 3;
export const CLASS_MASK = 7;
export const LENS_COUNT = 5;

export const RES_UNTOUCHED = 0;
export const RES_EPT_MAPPED = 1;
export const RES_UNMAPPED = 2;
export const RES_SWAPCACHE = 3;
export const RES_SWAPPED = 4;
export const LRU_CLASS_ACTIVE = 0;
export const LRU_CLASS_INACTIVE = 1;
export const LRU_CLASS_NONE = 2;
export const BELIEF_NONE = 0;
export const BELIEF_AGREED = 1;
export const BELIEF_FALSE_OLD = 2;
export const BELIEF_FALSE_YOUNG = 3;
export const BELIEF_HOT_SWAPPED = 4;
export const HEAT_NEVER = 4;
export const HUGE_NONE = 0;
export const HUGE_THP_2M = 1;
export const HUGE_THP_4K = 2;
export const HUGE_SPLIT = 3;
export const HUGE_COLLAPSED = 4;

/** The class of lens `lens` in a packed word. */
export const classOf = (word: number, lens: number): number =>
  (word >>> (lens * CLASS_BITS)) & CLASS_MASK;

/** Heat class boundaries, in simulated seconds (the heat lens's legend). */
export const HEAT_SECONDS = [0.1, 1, 10] as const;

const BELIEF_OF_VERDICT = Uint8Array.from([
  BELIEF_NONE,
  BELIEF_AGREED, // VERDICT_AGREED_OLD
  BELIEF_AGREED, // VERDICT_AGREED_YOUNG
  BELIEF_FALSE_OLD,
  BELIEF_FALSE_YOUNG,
]);
// The table above is indexed by the VERDICT_* values; keep them in step.
if (
  VERDICT_AGREED_OLD !== 1 ||
  VERDICT_AGREED_YOUNG !== 2 ||
  VERDICT_FALSE_OLD !== 3 ||
  VERDICT_FALSE_YOUNG !== 4
)
  throw new Error('page-classes: VERDICT_* values changed');

/**
 * Reads one simulation's arrays and classifies pages. Built once per pass (it captures the
 * clock), so a loop over a range stays monomorphic and the JIT inlines `word`.
 */
export class PageClassifier {
  private readonly flags: Uint8Array;
  private readonly slot: Int32Array;
  private readonly touch: Uint32Array;
  private readonly verdict: Uint8Array;
  private readonly thp: Uint8Array;
  private readonly spte4k: Uint8Array;
  private readonly spte2m: Uint8Array;
  /** lastTouch values above these are younger than each heat threshold (relative to touchEpoch). */
  private readonly heat0: number;
  private readonly heat1: number;
  private readonly heat2: number;
  private readonly hotFrom: number;
  private readonly timeless: boolean;

  /**
   * `timeless`: leave out what changes with the passing of time alone (heat is 0, nothing is
   * "hot"), for a map nobody watches in those lenses: its words then change only with events.
   */
  constructor(sim: Simulation, timeless = false) {
    const h = sim.host;
    this.flags = h.flags;
    this.slot = h.swapSlot;
    this.touch = h.lastTouch;
    this.verdict = h.verdict;
    this.thp = h.thpHistory;
    this.spte4k = sim.kvm.spte4k;
    this.spte2m = sim.kvm.spte2m;
    // lastTouch holds reference index + 1 − touchEpoch (0 = never)
    const rel = (ageRefs: number) => Math.max(0, h.now + 1 - ageRefs - h.touchEpoch);
    const rate = sim.scenario.rate;
    this.heat0 = rel(HEAT_SECONDS[0] * rate);
    this.heat1 = rel(HEAT_SECONDS[1] * rate);
    this.heat2 = rel(HEAT_SECONDS[2] * rate);
    // Nothing is hot before the ground truth starts counting (the boot scan touches everything);
    // lastTouch stays below 2^30, so 2^31 is "never" as a small integer.
    this.hotFrom = timeless || h.now < h.cfg.truthFromRefs ? 2 ** 31 : rel(h.cfg.hotWindowRefs);
    if (timeless) this.heat0 = this.heat1 = this.heat2 = 0;
    this.timeless = timeless;
  }

  /** The packed class word of gfn g. */
  word(g: number): number {
    // Imported constants are module bindings; as locals they are plain constants to the JIT
    // (the same finding as the old page view: measurably faster in this loop).
    const TAIL = PG_TAIL;
    const HEAD_OR_TAIL = PG_HEAD | PG_TAIL;
    const PRESENT = PG_PRESENT;
    const SWAPCACHE = PG_SWAPCACHE;
    const ACTIVE = PG_ACTIVE;
    const SPTE = SPTE_PRESENT;
    const SHIFT = HPAGE_SHIFT;
    const fl = this.flags[g];
    const frame = g >>> SHIFT;
    const hf = fl & TAIL ? this.flags[frame << SHIFT] : fl;
    const t = this.touch[g];
    let res: number;
    let lru = LRU_CLASS_NONE;
    if (fl & PRESENT) {
      lru = hf & ACTIVE ? LRU_CLASS_ACTIVE : LRU_CLASS_INACTIVE;
      if (fl & SWAPCACHE) res = RES_SWAPCACHE;
      // An aliased gfn is mapped if its first alias is (the guest's own address).
      else res = (this.spte4k[g] | this.spte2m[frame]) & SPTE ? RES_EPT_MAPPED : RES_UNMAPPED;
    } else res = this.slot[g] >= 0 ? RES_SWAPPED : RES_UNTOUCHED;
    const belief =
      t > this.hotFrom && res === RES_SWAPPED
        ? BELIEF_HOT_SWAPPED
        : BELIEF_OF_VERDICT[this.verdict[g]];
    const heat =
      t === 0 ? HEAT_NEVER : t > this.heat0 ? 0 : t > this.heat1 ? 1 : t > this.heat2 ? 2 : 3;
    let huge = HUGE_NONE;
    const history = this.thp[frame];
    if (hf & PG_HEAD && fl & HEAD_OR_TAIL) {
      if (history & THP_COLLAPSED) huge = HUGE_COLLAPSED;
      else huge = this.spte2m[frame] & SPTE ? HUGE_THP_2M : HUGE_THP_4K;
    } else if (history & THP_SPLIT_ONCE) huge = HUGE_SPLIT;
    return res | (lru << 3) | (belief << 6) | (heat << 9) | (huge << 12);
  }

  /** Write the words of [from, to) into out[from..to); returns how many changed. */
  fill(out: Uint16Array, from: number, to: number): number {
    let changed = 0;
    for (let g = from; g < to; g++) {
      const w = this.word(g);
      if (out[g] !== w) {
        out[g] = w;
        changed++;
      }
    }
    return changed;
  }
}

/** Classes of the address × time history (protocol's HISTORY_CLASSES), in that order. */
export const HISTORY_CLASS_COUNT = 4;

/**
 * One point of the address × time history: for each of `buckets` equal ranges of gfns, how
 * many pages are swapped out, hot but swapped out, resident but EPT-unmapped, in a split THP.
 * `counts` is classes × buckets, class-major. A full pass over the guest: taken at fixed
 * references only, so identical runs give identical histories.
 */
export function historyCounts(sim: Simulation, buckets: number, counts: Uint32Array): void {
  counts.fill(0);
  const c = new PageClassifier(sim);
  const n = sim.guestPages;
  const per = Math.ceil(n / buckets);
  for (let b = 0, g = 0; b < buckets; b++) {
    const end = Math.min(n, g + per);
    let swapped = 0;
    let hotSwapped = 0;
    let unmapped = 0;
    let split = 0;
    for (; g < end; g++) {
      const w = c.word(g);
      const res = w & CLASS_MASK;
      if (res === RES_SWAPPED) swapped++;
      else if (res === RES_UNMAPPED) unmapped++;
      if (((w >>> 6) & CLASS_MASK) === BELIEF_HOT_SWAPPED) hotSwapped++;
      if (((w >>> 12) & CLASS_MASK) === HUGE_SPLIT) split++;
    }
    counts[b] = swapped;
    counts[buckets + b] = hotSwapped;
    counts[2 * buckets + b] = unmapped;
    counts[3 * buckets + b] = split;
  }
}

/** The class words of every page (tests, exports; the server keeps its own and updates chunks). */
export function pageClasses(sim: Simulation, out = new Uint16Array(sim.guestPages)): Uint16Array {
  new PageClassifier(sim).fill(out, 0, sim.guestPages);
  return out;
}
