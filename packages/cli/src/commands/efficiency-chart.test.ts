/** The chart's resampling onto one x axis: linear between a series' points, flat before and after them. */
import { describe, expect, it } from 'vitest';
import { round, valueAt } from './efficiency-chart.js';

const series = (points: { x: number; y: number }[]) => ({ name: 's', job_id: null, instance_type: null, points });

describe('valueAt', () => {
  const s = series([
    { x: 4, y: 10 },
    { x: 2, y: 0 },
    { x: 6, y: 10 },
  ]);

  it('interpolates between points, whatever order they come in', () => {
    expect(valueAt(s, 3)).toBe(5);
    expect(valueAt(s, 5)).toBe(10);
    expect(valueAt(s, 4)).toBe(10);
  });

  it('holds the first value before the series and the last after it', () => {
    expect(valueAt(s, 0)).toBe(0);
    expect(valueAt(s, 9)).toBe(10);
    expect(valueAt(series([{ x: 1, y: 7 }]), 3)).toBe(7);
  });

  it('at an x two points share, takes the first of them', () => {
    expect(
      valueAt(
        series([
          { x: 1, y: 1 },
          { x: 1, y: 3 },
        ]),
        1,
      ),
    ).toBe(1);
  });
});

describe('round', () => {
  it('keeps at most 4 decimals', () => {
    expect(round(6755.55555)).toBe(6755.5556);
    expect(round(0.3333333)).toBe(0.3333);
    expect(round(12)).toBe(12);
  });
});
