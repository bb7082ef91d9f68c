/** The dashboard's charts: components and the pure helpers that feed them. */
export { TimeSeriesChart, type TimeSeriesChartProps, type ChartRun } from './TimeSeriesChart';
export { HistoryHeatmap, type HistoryHeatmapProps } from './HistoryHeatmap';
export { Timeline, type TimelineProps, type TimelineMark } from './Timeline';
export {
  applyHistoryFrame,
  applySeriesFrame,
  createHistoryBuffer,
  createSeriesBuffer,
  historyView,
  seriesColumn,
  seriesIndex,
  type HistoryBuffer,
  type SeriesBuffer,
} from './series';
export { latestWins, type Coalesced } from './coalesce';
export { formatSeconds, formatValue, nearestIndex, withUnit } from './plot';
export { addressTicks, formatAddress, formatGfn } from './address';
export { CHART_SPECS, chartProps, chartRuns, type ChartSpec } from './chart-specs';
