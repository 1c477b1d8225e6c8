import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from 'react';

// The charts (ECharts: most of the page's script) load in a chunk of their own, after the first paint: the tiles,
// which are plain numbers, no longer wait for that script to be fetched and parsed.
const charts = () => import('./charts');

/** A lazily loaded chart whose place stays empty (its height kept by the .chart rule) until its chunk is in. */
function suspended<P extends object>(Chart: LazyExoticComponent<ComponentType<P>>) {
  return function LazyChart(props: P) {
    return (
      <Suspense fallback={<div className="chart" aria-busy="true" />}>
        <Chart {...props} />
      </Suspense>
    );
  };
}

export const VolumeChart = suspended(lazy(() => charts().then((m) => ({ default: m.VolumeChart }))));
export const ForecastChart = suspended(lazy(() => charts().then((m) => ({ default: m.ForecastChart }))));
export const BreakdownChart = suspended(lazy(() => charts().then((m) => ({ default: m.BreakdownChart }))));
export const StaffingChart = suspended(lazy(() => charts().then((m) => ({ default: m.StaffingChart }))));
