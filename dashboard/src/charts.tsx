import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { formatValue, segmentName } from './format';
import type { BreakdownRowsFragment, StaffingPlanQuery, Unit, VolumeForecastQuery, VolumeSeriesQuery } from './gql/graphql';

// Only what the page draws is bundled. SVG: crisp at any zoom, and the drawn marks are in the DOM.
echarts.use([BarChart, LineChart, ScatterChart, GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent, SVGRenderer]);

type Option = echarts.EChartsCoreOption;

/** One ECharts instance in a div, following the option it is given and the window's size. */
function Chart({ option, label, ...data }: { option: Option; label: string } & Record<`data-${string}`, string>) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    const instance = echarts.init(ref.current!, null, { renderer: 'svg' });
    chart.current = instance;
    const resize = () => instance.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      instance.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return <div className="chart" ref={ref} role="img" aria-label={label} {...data} />;
}

const day = (localStart: string) => localStart.slice(0, 10);

/** Daily ticket volume over the period, with the days the API flags as anomalies. */
export function VolumeChart({ volume }: { volume: VolumeSeriesQuery['ticketVolume'] }) {
  const option: Option = {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 32, bottom: 28 },
    xAxis: { type: 'category', data: volume.series.map((b) => day(b.localStart)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: 'tickets per day', type: 'line', data: volume.series.map((b) => b.value), showSymbol: false, lineStyle: { width: 2 } },
      {
        name: 'anomaly',
        type: 'scatter',
        data: volume.anomalies.map((a) => [day(a.localStart), a.value]),
        symbolSize: 10,
        itemStyle: { color: '#d9480f' },
      },
    ],
  };
  return <Chart option={option} label="Tickets per day" data-chart="volume" />;
}

const LEVEL_COLOURS: Record<number, string> = { 80: '#74c0fc', 95: '#d0ebff' };

/**
 * Recent history and the forecast with its prediction intervals. Each band is drawn the ECharts way: an invisible
 * lower line and, stacked on it, the band's width filled.
 */
export function ForecastChart({ forecast }: { forecast: VolumeForecastQuery['ticketVolumeForecast'] }) {
  const history = forecast.history.slice(-56);
  const dates = [...history.map((h) => day(h.localStart)), ...forecast.forecast.map((f) => day(f.localStart))];
  const pad = history.map(() => null);
  const levels = [...new Set(forecast.forecast.flatMap((f) => f.intervals.map((i) => i.level)))].sort((a, b) => b - a);
  const bands = levels.flatMap((level) => {
    const interval = (f: (typeof forecast.forecast)[number]) => f.intervals.find((i) => i.level === level);
    return [
      {
        name: `${level} % band`,
        type: 'line',
        stack: `band${level}`,
        data: [...pad, ...forecast.forecast.map((f) => interval(f)?.lower ?? null)],
        lineStyle: { opacity: 0 },
        showSymbol: false,
        tooltip: { show: false },
        legendHoverLink: false,
        itemStyle: { color: LEVEL_COLOURS[level] ?? '#e7f5ff' },
      },
      {
        name: `${level} % band`,
        type: 'line',
        stack: `band${level}`,
        data: [
          ...pad,
          ...forecast.forecast.map((f) => {
            const i = interval(f);
            return i ? i.upper - i.lower : null;
          }),
        ],
        lineStyle: { opacity: 0 },
        showSymbol: false,
        areaStyle: { color: LEVEL_COLOURS[level] ?? '#e7f5ff', opacity: 0.8 },
        itemStyle: { color: LEVEL_COLOURS[level] ?? '#e7f5ff' },
      },
    ];
  });
  const option: Option = {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: ['tickets per day', 'forecast', ...levels.map((l) => `${l} % band`)] },
    grid: { left: 48, right: 16, top: 32, bottom: 28 },
    xAxis: { type: 'category', data: dates },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      ...bands,
      { name: 'tickets per day', type: 'line', data: history.map((h) => h.value), showSymbol: false, itemStyle: { color: '#1c7ed6' } },
      {
        name: 'forecast',
        type: 'line',
        data: [...pad, ...forecast.forecast.map((f) => f.value)],
        showSymbol: false,
        lineStyle: { type: 'dashed', width: 2 },
        itemStyle: { color: '#1864ab' },
      },
    ],
  };
  return <Chart option={option} label="Ticket volume forecast" data-chart="forecast" data-bands={levels.join(',')} />;
}

/** The metric per segment, largest first, each bar labelled with its value. */
export function BreakdownChart({ rows, unit, by, metric }: { rows: readonly BreakdownRowsFragment[]; unit: Unit; by: string; metric: string }) {
  // Largest at the top: a horizontal bar chart draws its first category at the bottom.
  const sorted = [...rows].sort((a, b) => (a.value ?? -Infinity) - (b.value ?? -Infinity));
  const option: Option = {
    animation: false,
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (v: unknown) => (typeof v === 'number' ? formatValue(v, unit) : '—'),
    },
    grid: { left: 8, right: 88, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatValue(v, unit), hideOverlap: true }, splitNumber: 4 },
    yAxis: { type: 'category', data: sorted.map((r) => segmentName(r.segment, by)), axisTick: { show: false } },
    series: [
      {
        name: metric,
        type: 'bar',
        data: sorted.map((r) => r.value),
        barMaxWidth: 28,
        itemStyle: { color: '#339af0', borderRadius: [0, 3, 3, 0] },
        label: { show: true, position: 'right', formatter: (p: { value: number | null }) => formatValue(p.value, unit), color: '#495057' },
      },
    ],
  };
  return <Chart option={option} label={`${metric} by ${by}`} data-chart="breakdown" data-by={by} />;
}

const WEEKDAY = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

/** Runs of consecutive closed intervals as [first, last] local starts, for shading. */
function closedRuns(intervals: { localStart: string; open: boolean }[]): [string, string][] {
  const runs: [string, string][] = [];
  intervals.forEach((i, k) => {
    if (i.open) return;
    if (k > 0 && !intervals[k - 1].open) runs[runs.length - 1][1] = i.localStart;
    else runs.push([i.localStart, i.localStart]);
  });
  return runs;
}

/**
 * Agents to schedule per interval (after shrinkage) and the productive agents the service target needs; the hours the
 * business calendar keeps the channel closed are shaded (nobody is planned there, their contacts wait for the opening).
 */
export function StaffingChart({ plan }: { plan: StaffingPlanQuery['staffingPlan'] }) {
  const starts = plan.intervals.map((i) => i.localStart);
  const closed = closedRuns(plan.intervals);
  const option: Option = {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 32, bottom: 28 },
    xAxis: {
      type: 'category',
      data: starts,
      axisTick: { interval: (_: number, v: string) => v.endsWith('T00:00:00') },
      // One label per day, at its midnight (localStart is a local wall time: formatted as UTC it stays that time).
      axisLabel: { interval: (_: number, v: string) => v.endsWith('T00:00:00'), formatter: (v: string) => WEEKDAY.format(new Date(`${v}Z`)) },
    },
    yAxis: { type: 'value', minInterval: 1, name: 'agents', nameGap: 8, nameTextStyle: { align: 'right' } },
    series: [
      {
        name: 'scheduled agents',
        type: 'line',
        step: 'start',
        data: plan.intervals.map((i) => i.scheduledAgents),
        showSymbol: false,
        areaStyle: { color: '#d0ebff' },
        lineStyle: { width: 1 },
        itemStyle: { color: '#1c7ed6' },
        markArea: {
          silent: true,
          itemStyle: { color: '#868e96', opacity: 0.12 },
          data: closed.map(([first, last]) => [{ xAxis: first }, { xAxis: last }]),
        },
      },
      {
        name: 'productive agents needed',
        type: 'line',
        step: 'start',
        data: plan.intervals.map((i) => i.agents),
        showSymbol: false,
        lineStyle: { width: 1.5 },
        itemStyle: { color: '#e8590c' },
      },
    ],
  };
  return (
    <Chart
      option={option}
      label={`Staffing plan for ${plan.channel}`}
      data-chart="staffing"
      data-channel={plan.channel}
      data-intervals={JSON.stringify(starts)}
      data-scheduled-agents={JSON.stringify(plan.intervals.map((i) => i.scheduledAgents))}
      data-agents={JSON.stringify(plan.intervals.map((i) => i.agents))}
      data-open={JSON.stringify(plan.intervals.map((i) => i.open))}
      data-calendar={plan.calendar ?? ''}
    />
  );
}
