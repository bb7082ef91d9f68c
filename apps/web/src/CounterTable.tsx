import { useLab } from './store.ts';

/** The counters that tell the patch's story, kernel names first (docs/model.md explains each). */
const ROWS = [
  'pgmajfault',
  'pswpout',
  'pswpin',
  'pf_fixed',
  'sim_rmap_add',
  'sim_rmap_remove',
  'remote_tlb_flush',
  'thp_split_page',
  'sim_false_old',
  'sim_hot_pages_swapped_out',
  'slowdown',
] as const;

const fmt = new Intl.NumberFormat('en-US');

function show(name: string, v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '–';
  if (name === 'slowdown') return `${v.toFixed(3)}×`; // (guest time + stall) / guest time
  return fmt.format(v);
}

export function CounterTable() {
  const welcome = useLab((s) => s.welcome);
  const counters = useLab((s) => s.counters);
  if (!welcome) return null;
  const names = [...welcome.counterNames, ...welcome.derivedNames];
  return (
    <table className="counters" data-testid="counters">
      <thead>
        <tr>
          <th>counter</th>
          {welcome.policies.map((p) => (
            <th key={p}>{p}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {ROWS.map((row) => {
          const i = names.indexOf(row);
          return (
            <tr key={row} data-counter={row}>
              <td>
                <code>{row}</code>
              </td>
              {welcome.policies.map((p, r) => (
                <td key={p} className="num">
                  {show(row, i < 0 ? undefined : counters[r]?.[i])}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
