/**
 * How `computeplane efficiency chart` shows a chart's series. On a terminal: the series drawn with asciichart
 * (loaded on first use), each resampled onto one shared x axis (linear between its points, held flat before
 * its first and after its last), a legend and the x range. Otherwise, or when no series has two points to
 * draw a line between: a table of the points.
 */
import type asciichartModule from 'asciichart';
import type { EfficiencyChart } from '@computeplane/sdk/efficiency';
import type { CommandContext } from '../core/context.js';
import { lazyRequire } from '../core/lazy-require.js';

type Series = EfficiencyChart['series'][number];

const HEIGHT = 10;
const MAX_WIDTH = 72;

export function printChart(ctx: CommandContext, chart: EfficiencyChart, columns = process.stdout.columns ?? 80): void {
  const drawable = chart.series.some((series) => series.points.length >= 2);
  if (ctx.out.stdoutIsTTY && drawable) drawChart(ctx, chart, columns);
  else printPoints(ctx, chart);
  for (const note of chart.notes) ctx.out.line(ctx.out.color.dim(`note: ${note}`));
}

function printPoints(ctx: CommandContext, chart: EfficiencyChart): void {
  const rows = chart.series.flatMap((series) => series.points.map((point) => ({ series, point })));
  const scaling = chart.type === 'scaling';
  ctx.out.table(
    rows,
    [
      { header: 'SERIES', value: (r) => r.series.name },
      { header: 'TYPE', value: (r) => r.series.instance_type },
      { header: chart.x_label.toUpperCase(), value: (r) => round(r.point.x) },
      { header: chart.y_label.toUpperCase(), value: (r) => round(r.point.y) },
      ...(scaling ? [{ header: 'EFFICIENCY', value: (r: (typeof rows)[number]) => r.point.efficiency }] : []),
    ],
    { empty: `No ${chart.type} points yet.` },
  );
}

function drawChart(ctx: CommandContext, chart: EfficiencyChart, columns: number): void {
  const asciichart = lazyRequire('asciichart') as typeof asciichartModule;
  const xs = chart.series.flatMap((series) => series.points.map((point) => point.x));
  const [minX, maxX] = [Math.min(...xs), Math.max(...xs)];
  const width = Math.max(10, Math.min(MAX_WIDTH, columns - 14));
  const grid = Array.from({ length: width }, (_, i) => minX + ((maxX - minX) * i) / (width - 1));
  const series = chart.series.filter((s) => s.points.length > 0);
  const palette = [asciichart.cyan, asciichart.green, asciichart.magenta, asciichart.yellow, asciichart.blue];
  const colored = ctx.out.color.isColorSupported;
  const colors = series.map((_, i) => palette[i % palette.length]!);
  ctx.out.line(ctx.out.color.bold(`${chart.y_label} over ${chart.x_label}`));
  ctx.out.line(
    asciichart.plot(
      series.map((s) => grid.map((x) => valueAt(s, x))),
      { height: HEIGHT, format: (y) => formatNumber(y).padStart(10), ...(colored ? { colors } : {}) },
    ),
  );
  ctx.out.line(`${' '.repeat(11)}${formatNumber(minX)} … ${formatNumber(maxX)} ${chart.x_label}`);
  for (const [i, s] of series.entries()) {
    const mark = colored ? `${colors[i]}━━${asciichart.reset}` : '━━';
    ctx.out.line(`  ${mark} ${s.name}${s.instance_type ? ` (${s.instance_type})` : ''}`);
  }
}

/** The series' y at `x`: linear between its points, flat outside them. Points come in x order. */
export function valueAt(series: Series, x: number): number {
  const points = [...series.points].sort((a, b) => a.x - b.x);
  const first = points[0]!;
  if (x <= first.x) return first.y;
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1]!, points[i]!];
    if (x <= b.x) return b.x === a.x ? b.y : a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x);
  }
  return points.at(-1)!.y;
}

/** Up to 4 decimals, trailing zeros dropped: 0.8125, 12.5, 1530. */
export const round = (value: number): number => Math.round(value * 10_000) / 10_000;

const formatNumber = (value: number): string =>
  Math.abs(value) >= 1000 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(3);
