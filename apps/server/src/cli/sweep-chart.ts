/**
 * `npm run sweep -- chart <results dir> [--figure F] [--log] [--svg FILE] [--png FILE]`: the chart of a
 * finished sweep of one axis (and seeds): F (default slowdown) against the axis, a line per
 * policy through the mean over seeds, the 95 % interval as a band.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chartSvg, type ChartRow } from '../sweep/chart.ts';
import { renderSvgToPng } from '../sweep/render-png.ts';
import type { CliOutput } from './sim.ts';

export const CHART_USAGE = `usage: npm run sweep -- chart <results dir> [--figure F] [--log] [--svg FILE] [--png FILE]
`;

interface RunsDoc {
  sweep: string;
  axes: { path: string; values: (number | string | boolean)[] }[];
  seeds: number[];
  policies: string[];
  figures: string[];
  runs: Record<string, number | string | boolean | null>[];
}

const yLabelOf = (figure: string) =>
  figure === 'slowdown'
    ? 'guest slowdown (×)'
    : figure === 'steady.slowdown'
      ? 'guest slowdown in steady state (×)'
      : figure;

const WIDTH = 900;
const HEIGHT = 540;

export async function runChartCli(argv: string[], out: CliOutput): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        figure: { type: 'string', default: 'slowdown' },
        log: { type: 'boolean', default: false },
        svg: { type: 'string' },
        png: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    out.stderr(`${(e as Error).message}\n${CHART_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    out.stderr(`give the directory a sweep wrote\n${CHART_USAGE}`);
    return 2;
  }
  const dir = positionals[0];
  try {
    const doc = JSON.parse(await readFile(join(dir, 'runs.json'), 'utf8')) as RunsDoc;
    if (doc.axes.length !== 1)
      throw new Error(
        `the chart draws a sweep of one axis (and seeds); this one has ${doc.axes.length}`,
      );
    const figure = values.figure;
    if (!doc.figures.includes(figure))
      throw new Error(`figure "${figure}" was not collected; collected: ${doc.figures.join(', ')}`);
    const axis = doc.axes[0].path;
    const rows: ChartRow[] = doc.runs
      .filter((r) => typeof r[figure] === 'number')
      .map((r) => ({
        x: r[axis] as number | string,
        policy: String(r.policy),
        value: r[figure] as number,
      }));
    const svg = chartSvg({
      title: `${doc.sweep}: ${figure} against ${axis}`,
      subtitle: `mean over ${doc.seeds.length} seed${doc.seeds.length > 1 ? 's' : ''} (${doc.seeds.join(', ')}); band: 95 % interval of the mean`,
      xLabel: axis,
      yLabel: yLabelOf(figure) + (values.log ? ', log scale' : ''),
      logY: values.log,
      policies: doc.policies,
      rows,
      width: WIDTH,
      height: HEIGHT,
    });
    const svgFile = values.svg ?? join(dir, `${figure}.svg`);
    await writeFile(svgFile, svg);
    out.stderr(`wrote ${svgFile}\n`);
    if (values.png) {
      renderSvgToPng(svgFile, values.png, WIDTH, HEIGHT);
      out.stderr(`wrote ${values.png}\n`);
    }
    return 0;
  } catch (e) {
    out.stderr(`${(e as Error).message}\n`);
    return 1;
  }
}
