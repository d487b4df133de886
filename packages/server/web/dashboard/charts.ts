/** uPlot charts that are created once and given new data on every refresh. */
import uPlot from 'uplot';

const charts = new Map<string, uPlot>();

export function lineChart(
  id: string,
  x: number[],
  series: { label: string; values: (number | null)[]; color: string }[],
  empty: string,
) {
  const host = document.getElementById(id)!;
  const data = [x, ...series.map((s) => s.values)] as uPlot.AlignedData;
  if (x.length === 0) {
    charts.get(id)?.destroy();
    charts.delete(id);
    host.innerHTML = `<p class="empty">${empty}</p>`;
    return;
  }
  const existing = charts.get(id);
  if (existing && existing.series.length === series.length + 1) return existing.setData(data);
  existing?.destroy();
  host.innerHTML = '';
  charts.set(
    id,
    new uPlot(
      {
        width: Math.max(320, host.clientWidth || 420),
        height: 220,
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, spanGaps: true }))],
        axes: [{}, {}],
      },
      data,
      host,
    ),
  );
}
