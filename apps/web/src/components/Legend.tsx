import { LEGEND_NOTES } from '@agelab/protocol';
import { isAlarm } from '../palette.ts';
import { useConn, useUi } from '../store.ts';
import { lensColours } from '../map/colours.ts';
import { lensInfo } from '../map/lens.ts';
import { VIEW_LENSES, type ViewLens } from '../url-state.ts';

/** The lens picker (1–6), shared by every column. */
export function LensBar() {
  const lens = useUi((s) => s.lens);
  const runs = useConn((s) => s.welcome?.policies.length ?? 0);
  return (
    <div className="lensbar" role="radiogroup" aria-label="Lens">
      <span className="lensbar-title" aria-hidden="true">
        Lens
      </span>
      {VIEW_LENSES.map((l, i) => {
        const info = lensInfo(l);
        const disabled = l === 'difference' && runs < 2;
        return (
          <button
            key={l}
            role="radio"
            aria-checked={lens === l}
            className={lens === l ? 'on' : ''}
            disabled={disabled}
            title={`${info.question} (key ${i + 1})${disabled ? ' — needs two runs' : ''}`}
            onClick={() => useUi.setState({ lens: l })}
          >
            <kbd>{i + 1}</kbd> {info.title}
          </button>
        );
      })}
    </div>
  );
}

/** What the lens's colours mean, and what a cell holds when it covers many pages. */
export function Legend() {
  const lens = useUi((s) => s.lens);
  const notes = useConn((s) => s.welcome?.legendNotes) ?? LEGEND_NOTES;
  const info = lensInfo(lens);
  const colours = lensColours(lens);
  return (
    <section className="legend" aria-label={`Legend, ${info.title}`}>
      <p className="legend-q">
        <strong>{info.title}:</strong> {info.question}
      </p>
      <ul>
        {info.labels.map((label, c) => (
          <li key={label} data-class={info.classes[c]}>
            <span className="swatch" style={{ background: colours[c] }} />
            {label}
            {isAlarm(lens, info.classes[c]) && (
              <span className="alarm" title="shown whenever any page of a cell is in it">
                {' '}
                (alarm)
              </span>
            )}
          </li>
        ))}
      </ul>
      {LENS_HINTS[lens] && <p className="legend-hint">{LENS_HINTS[lens]}</p>}
      <p className="legend-notes">{cellNote(lens, notes)}</p>
    </section>
  );
}

/** What a newcomer misreads in a lens, said once under its legend. */
const LENS_HINTS: Partial<Record<ViewLens, string>> = {
  residency:
    'In the swap cache: a page the host swapped out whose copy is still in host RAM, mostly read in ahead of need by swap readahead. The guest’s next touch maps it back with a minor fault, without a disk read. In 2.6.33 such a page is not charged to the cgroup until the guest maps it, so it can exceed the cgroup’s limit. What costs the guest are the “swapped out” pages: each touch of one is a major fault, a read from the swap device.',
  belief:
    'False old is the 2010 bug: the host aged a page as unused while the guest was using it. With the patch, aging unmaps the page’s EPT entry instead, so the guest’s next touch says that it is in use.',
};

function cellNote(lens: ViewLens, notes: Record<string, string>): string {
  const base = `${notes.exact ?? LEGEND_NOTES.exact} ${notes.aggregated ?? LEGEND_NOTES.aggregated} ${notes.quantised ?? LEGEND_NOTES.quantised}`;
  if (lens === 'difference')
    return 'Computed in this page from both runs’ residency (the first column is compared with the second, the others with the first). One page per cell compares the page; a cell of many pages compares how many of its pages are swapped out in each run.';
  const time =
    lens === 'heat' || lens === 'belief' ? ` ${notes.timeClasses ?? LEGEND_NOTES.timeClasses}` : '';
  const alarm =
    lens === 'belief' || lens === 'huge' ? '' : ` In this lens no class outranks the majority.`;
  return base + alarm + time;
}
