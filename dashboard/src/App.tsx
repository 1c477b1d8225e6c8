import { useCallback, useEffect, useRef, useState } from 'react';
import { KeyRefused, query, type Freshness } from './api';
import { analysisVariables, BreakdownPanel, DriversPanel, isAnalysed, type Analysis } from './analysis';
import { ForecastChart, StaffingChart, VolumeChart } from './lazy-charts';
import { Filters, type Choices } from './Filters';
import { formatInstant } from './format';
import type {
  Channel,
  DashboardChoicesQuery,
  DashboardStatusQuery,
  DashboardTilesQuery,
  StaffingPlanQuery,
  VolumeForecastQuery,
  VolumeSeriesQuery,
} from './gql/graphql';
import { forgetKey, readKey, saveKey } from './key';
import { KeyPrompt } from './KeyPrompt';
import { addDays, dateIn, periodInput, startOfDay } from './period';
import {
  DashboardStatusQuery as StatusDoc,
  DashboardChoicesQuery as ChoicesDoc,
  DashboardTilesQuery as TilesDoc,
  MetricAnalysisQuery as AnalysisDoc,
  StaffingPlanQuery as StaffingDoc,
  VolumeForecastQuery as ForecastDoc,
  VolumeSeriesQuery as SeriesDoc,
} from './queries';
import { RecordsPanel, type TileVariables } from './records';
import { TileGrid, type TileSpec } from './tiles';
import { readView, viewSearch, type View } from './view-state';

/** How often the page asks again; unchanged data costs the server one small statement (a 304). */
const REFRESH_MS = 60_000;
/** Default period when the URL names none: the four weeks up to the latest ticket. */
const DEFAULT_DAYS = 28;
const FORECAST_HISTORY_DAYS = 182;
const FORECAST_HORIZON_DAYS = 28;
/** The staffing plan covers this many days after the period. */
const STAFFING_DAYS = 7;
/** The plan's queueing model in words (StaffingPlan.model). */
const STAFFING_MODELS: Record<string, string> = {
  'erlang-c': 'Erlang C',
  'erlang-a': 'Erlang A (callers abandon)',
  chat: 'Erlang C on chat sessions',
  workload: 'workload model',
};

interface Shown {
  /** The view these numbers are for (its query string): tests wait for it. */
  search: string;
  tiles: DashboardTilesQuery;
  /** The period and filters the tiles were asked with (their records are read with the same). */
  variables: TileVariables;
  volume: VolumeSeriesQuery['ticketVolume'];
  forecast: VolumeForecastQuery['ticketVolumeForecast'];
}

interface Staffing {
  /** The view this plan is for (its query string): tests wait for it. */
  search: string;
  from: string;
  plan: StaffingPlanQuery['staffingPlan'];
}

/** A panel's answer or why there is none; panels load beside the tiles, so a slow or failing one holds nothing up. */
type Panel<T> = { value: T; error: null } | { value: T | null; error: string };

/** The view with the period the URL lacks filled in: the four weeks up to the latest ticket (or today). */
function completeView(view: View, meta: DashboardStatusQuery): View & { from: string; to: string } {
  const latest = meta.dataStatus.dataThrough.find((f) => f.fact === 'tickets')?.latest;
  const to = view.to ?? addDays(dateIn(latest ?? new Date().toISOString(), view.tz), 1);
  return { ...view, from: view.from ?? addDays(to, -DEFAULT_DAYS), to };
}

export function App() {
  const [key, setKey] = useState<string | null>(() => readKey());
  const [keyError, setKeyError] = useState<string | null>(null);
  const [view, setView] = useState<View>(() => readView());
  const [meta, setMeta] = useState<(DashboardStatusQuery & DashboardChoicesQuery) | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [drill, setDrill] = useState<TileSpec | null>(null);
  const [analysis, setAnalysis] = useState<Panel<Analysis> | null>(null);
  const [staffing, setStaffing] = useState<Panel<Staffing> | null>(null);
  const [checked, setChecked] = useState<{ at: Date; freshness: Freshness } | null>(null);
  const generation = useRef(0);

  const load = useCallback(async () => {
    if (!key) return;
    const mine = ++generation.current;
    try {
      // The data's freshness is awaited first only when the URL has no period (the latest ticket decides it); the
      // filters' choices are asked for beside the tiles, which never wait for them.
      const statusRequest = query(StatusDoc, {}, key);
      const choicesRequest = query(ChoicesDoc, {}, key);
      // Awaited further down; a failure meanwhile is not an unhandled rejection.
      for (const request of [statusRequest, choicesRequest]) request.catch(() => undefined);
      const full = view.from && view.to ? { ...view, from: view.from, to: view.to } : completeView(view, (await statusRequest).data);
      if (!view.from || !view.to) window.history.replaceState(null, '', window.location.pathname + viewSearch(full) + window.location.hash);
      const filters = {
        // The API validates channel names and says which one it does not know.
        channel: full.channel.length ? full.channel.map((c) => c.toUpperCase() as Channel) : null,
        product: full.product.length ? full.product : null,
        tier: full.tier.length ? full.tier : null,
      };
      const period = periodInput(full.from, full.to, full.tz);
      const history = periodInput(addDays(full.to, -FORECAST_HISTORY_DAYS), full.to, full.tz);
      const search = viewSearch(full);
      const current = () => mine === generation.current;
      const failed = (err: unknown) => (err instanceof Error ? err.message : String(err));

      // The breakdown and drivers of the chosen metric, and the staffing plan for the week after the period: each fills
      // its panel when it arrives, and keeps the last answer on screen beside its error when it fails.
      const analysed = isAnalysed(full.metric) ? full.metric : null;
      const analysisAnswer = analysed
        ? query(AnalysisDoc, { period, ...filters, ...analysisVariables(analysed, full.by) }, key).then(
            (a) => {
              if (current()) setAnalysis({ value: { search, metric: analysed, by: full.by, answer: a.data }, error: null });
              return a.freshness;
            },
            (err: unknown) => {
              if (current()) setAnalysis((before) => ({ value: before?.value ?? null, error: failed(err) }));
              return 'new' as Freshness;
            },
          )
        : Promise.resolve('unchanged' as Freshness);
      const [tiles, series, forecast, statusAnswer] = await Promise.all([
        query(TilesDoc, { period, ...filters }, key),
        query(SeriesDoc, { period, ...filters }, key),
        query(ForecastDoc, { history, horizon: FORECAST_HORIZON_DAYS, ...filters }, key),
        statusRequest,
      ]);
      if (!current()) return;
      setShown({
        search,
        tiles: tiles.data,
        variables: { period, ...filters },
        volume: series.data.ticketVolume,
        forecast: forecast.data.ticketVolumeForecast,
      });
      setError(null);
      const choicesAnswer = await choicesRequest;
      if (!current()) return;
      setMeta({ ...statusAnswer.data, ...choicesAnswer.data });
      // The plan is asked for once the tiles are in: it fits a forecast to hourly history, and that CPU would otherwise
      // delay the tiles (a plan not yet cached took 1.1–1.5 s of a busy 2-core server on 100,000 tickets; npm run
      // bench:dashboard). One channel's plan: the one chosen, else the channel filter's when it names one, else the
      // first channel with data.
      const staffChannel = full.staff ?? (full.channel.length === 1 ? full.channel[0] : choicesAnswer.data.channels[0]);
      const staffFrom = startOfDay(full.to, full.tz);
      const staffingAnswer = staffChannel
        ? query(
            StaffingDoc,
            {
              channel: staffChannel.toUpperCase() as Channel,
              from: staffFrom,
              days: STAFFING_DAYS,
              timezone: full.tz,
              product: filters.product,
              tier: filters.tier,
            },
            key,
          ).then(
            (a) => {
              if (current()) setStaffing({ value: { search, from: full.to, plan: a.data.staffingPlan }, error: null });
              return a.freshness;
            },
            (err: unknown) => {
              if (current()) setStaffing((before) => ({ value: before?.value ?? null, error: failed(err) }));
              return 'new' as Freshness;
            },
          )
        : Promise.resolve('unchanged' as Freshness);

      const panels = await Promise.all([analysisAnswer, staffingAnswer]);
      if (!current()) return;
      const unchanged =
        [statusAnswer, choicesAnswer, tiles, series, forecast].every((a) => a.freshness === 'unchanged') && panels.every((f) => f === 'unchanged');
      setChecked({ at: new Date(), freshness: unchanged ? 'unchanged' : 'new' });
    } catch (err) {
      if (mine !== generation.current) return;
      if (err instanceof KeyRefused) {
        forgetKey();
        setKey(null);
        setKeyError(`The API refused this key: ${err.message}`);
        return;
      }
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [key, view]);

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  useEffect(() => {
    const back = () => setView(readView());
    window.addEventListener('popstate', back);
    return () => window.removeEventListener('popstate', back);
  }, []);

  if (!key) {
    return (
      <KeyPrompt
        error={keyError}
        onKey={(k) => {
          saveKey(k);
          setKeyError(null);
          setKey(k);
        }}
      />
    );
  }

  const change = (next: View) => {
    window.history.pushState(null, '', window.location.pathname + viewSearch(next) + window.location.hash);
    setView(next);
  };
  const choices: Choices = { channel: meta?.channels ?? [], product: meta?.products ?? [], tier: meta?.tiers ?? [] };
  const shownView = shown ? readView(shown.search) : view;
  // The view as the pickers change it: the address's, with the period the page defaulted to when it named none.
  const panelView = { ...shownView, ...view, from: view.from ?? shownView.from, to: view.to ?? shownView.to };
  const staffingShown = staffing?.value ?? null;
  const through = meta?.dataStatus.dataThrough.find((f) => f.fact === 'tickets')?.latest;

  return (
    <main data-loaded-view={shown?.search ?? ''}>
      <header>
        <h1>deskmetrics</h1>
        <p className="freshness">
          {through ? `data through ${formatInstant(through, view.tz)} (${view.tz})` : meta ? 'no tickets yet' : 'loading…'}
          {meta && !meta.dataStatus.rollupsCurrent && ' · rollups refreshing'}
        </p>
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
        {checked && (
          <span className="checked">
            checked {checked.at.toLocaleTimeString('en-GB')} · {checked.freshness === 'unchanged' ? 'no change' : 'updated'}
          </span>
        )}
        <button
          type="button"
          className="quiet"
          onClick={() => {
            forgetKey();
            setKey(null);
          }}
        >
          Forget key
        </button>
      </header>
      <Filters key={view.tz} view={panelView} choices={choices} onChange={change} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <TileGrid tiles={shown?.tiles ?? null} onRecords={setDrill} />
      {drill && shown && (
        <RecordsPanel
          key={`${drill.field}${shown.search}`}
          field={drill.field}
          label={drill.label}
          variables={shown.variables}
          apiKey={key}
          timezone={shownView.tz}
          onClose={() => setDrill(null)}
        />
      )}
      <section className="charts">
        <figure>
          <figcaption>Tickets per day</figcaption>
          {shown && <VolumeChart volume={shown.volume} />}
        </figure>
        <figure>
          <figcaption>
            Volume forecast, next {FORECAST_HORIZON_DAYS} days{shown ? ` · ${shown.forecast.modelDescription}` : ''}
            {shown?.forecast.note && <span className="note"> · {shown.forecast.note}</span>}
          </figcaption>
          {shown && <ForecastChart forecast={shown.forecast} />}
        </figure>
        <BreakdownPanel
          analysis={analysis?.value ?? null}
          metric={view.metric}
          by={view.by}
          error={analysis?.error ?? null}
          onChange={(metric, by) => change({ ...panelView, metric, by })}
        />
        <DriversPanel analysis={analysis?.value ?? null} timezone={shownView.tz} />
        <figure className="staffing" data-loaded-staffing={staffingShown?.search ?? ''}>
          <figcaption>
            Staffing plan for{' '}
            <select
              name="staff"
              aria-label="staffing channel"
              value={(view.staff ?? staffingShown?.plan.channel ?? '').toLowerCase()}
              onChange={(e) => change({ ...panelView, staff: e.target.value })}
            >
              {choices.channel.map((c) => (
                <option key={c} value={c.toLowerCase()}>
                  {c.toLowerCase()}
                </option>
              ))}
            </select>
            {staffingShown && (
              <span className="note">
                {' '}
                · {STAFFING_DAYS} days from {staffingShown.from} · {STAFFING_MODELS[staffingShown.plan.model] ?? staffingShown.plan.model} · handle
                time {Math.round(staffingShown.plan.ahtSeconds)} s · peak {Math.max(0, ...staffingShown.plan.days.map((d) => d.peakScheduledAgents))}{' '}
                agents
              </span>
            )}
          </figcaption>
          {staffing?.error && (
            <p className="error" role="alert">
              {staffing.error}
            </p>
          )}
          {staffingShown && <StaffingChart plan={staffingShown.plan} />}
          {staffingShown?.plan.note && <p className="note">{staffingShown.plan.note}</p>}
        </figure>
      </section>
    </main>
  );
}
