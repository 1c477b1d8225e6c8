import { DateTimeResolver } from 'graphql-scalars';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ForecastEventEffect } from './forecast-events';

export const FORECAST_GRANULARITIES = ['hour', 'day', 'week'] as const;
export type ForecastGranularity = (typeof FORECAST_GRANULARITIES)[number];
export const ForecastGranularityEnum = { HOUR: 'hour', DAY: 'day', WEEK: 'week' } as const;
registerEnumType(ForecastGranularityEnum, { name: 'ForecastGranularity', description: 'Bucket size of a volume forecast.' });

@ObjectType({ description: 'A prediction interval at one coverage level.' })
export class PredictionInterval {
  @Field(() => Int, { description: 'Coverage in percent, e.g. 80 or 95.' }) level: number;
  @Field(() => Float) lower: number;
  @Field(() => Float) upper: number;
}

@ObjectType({ description: 'One observed bucket of the history.' })
export class HistoryPoint {
  @Field(() => DateTimeResolver) start: Date;
  @Field(() => String, { description: 'The bucket start as a local date-time in the forecast time zone.' }) localStart: string;
  @Field(() => Float, {
    nullable: true,
    description: 'Tickets in the bucket; null when withheld from a partner key (fewer than PARTNER_MIN_GROUP_SIZE).',
  })
  value: number | null;
}

@ObjectType({ description: 'One forecast bucket: the point forecast and its intervals.' })
export class ForecastPoint {
  @Field(() => DateTimeResolver) start: Date;
  @Field(() => String) localStart: string;
  @Field(() => Float, { description: 'Point forecast (never negative).' }) value: number;
  @Field(() => [PredictionInterval]) intervals: PredictionInterval[];
}

@ObjectType({ description: 'A seasonal component of the history.' })
export class SeasonalComponent {
  @Field(() => Int, { description: 'Period in buckets (24 = daily for hourly data, 168 = weekly, 7 = weekly for daily data).' }) period: number;
  @Field(() => [Float]) values: number[];
}

@ObjectType({ description: 'The history split into trend, seasonal components and remainder (STL/MSTL); they add up to the history.' })
export class Decomposition {
  @Field(() => [Float]) trend: number[];
  @Field(() => [SeasonalComponent]) seasonal: SeasonalComponent[];
  @Field(() => [Float]) remainder: number[];
}

@ObjectType({ description: "The chosen model's accuracy in a rolling-origin backtest on the history." })
export class BacktestAccuracy {
  @Field(() => Float, { nullable: true, description: 'Mean absolute scaled error (below 1 beats the in-sample seasonal naive forecast).' }) mase:
    number | null;
  @Field(() => Float, { nullable: true, description: 'Symmetric mean absolute percentage error, 0–200.' }) smape: number | null;
  @Field(() => Float, { nullable: true }) mae: number | null;
  @Field(() => Float, {
    nullable: true,
    description:
      'Share of backtest points inside the 80% interval as calibrated (0–1); each origin is judged by a calibration on the other origins, so it is an out-of-sample estimate.',
  })
  coverage80: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Share of backtest points inside the 95% interval as calibrated (0–1), estimated like coverage80.',
  })
  coverage95: number | null;
  @Field(() => Float, { nullable: true, description: "Seasonal naive's MASE in the same backtest, for comparison." }) seasonalNaiveMase:
    number | null;
  @Field(() => Int) origins: number;
}

@ObjectType({ description: 'A volume scenario beside the baseline forecast: the adjusted forecast, intervals scaled with it.' })
export class VolumeScenario {
  @Field(() => [ForecastPoint], { description: 'The forecast buckets with the adjustment applied.' }) forecast: ForecastPoint[];
  @Field(() => Float, { description: "Σ of the scenario's forecast values." }) total: number;
  @Field(() => Float, { description: "Σ of the baseline's forecast values." }) baselineTotal: number;
}

@ObjectType({ description: 'A ticket volume forecast with its history, decomposition, model and accuracy.' })
export class VolumeForecast {
  @Field(() => [HistoryPoint]) history: HistoryPoint[];
  @Field(() => [ForecastPoint]) forecast: ForecastPoint[];
  @Field(() => Decomposition, {
    nullable: true,
    description:
      'Null when the history is too short to decompose, or for a partner key with PARTNER_MIN_GROUP_SIZE (it would give back withheld buckets).',
  })
  decomposition: Decomposition | null;
  @Field(() => String, { description: 'The model chosen by backtest.' }) model: string;
  @Field(() => String, { description: 'What was fitted, e.g. "STL + ETS(A,Ad,N)".' }) modelDescription: string;
  @Field(() => BacktestAccuracy, { nullable: true, description: 'Null when the history is too short to backtest.' })
  accuracy: BacktestAccuracy | null;
  @Field(() => String, {
    description:
      "How the interval widths were set: 'calibrated' (scaled so the model's backtest errors would have fallen inside at the nominal rate) or 'model' (the model's own normal intervals, when the history is too short to backtest).",
  })
  intervalMethod: string;
  @Field(() => [ForecastEventEffect], {
    description: 'The known events the forecast took into account (holidays, stored events, `events`), with their effects.',
  })
  events: ForecastEventEffect[];
  @Field(() => String, { nullable: true, description: 'A plain-language caveat when the history is short or sparse.' }) note: string | null;
  @Field(() => VolumeScenario, { nullable: true, description: 'With `adjustment`: the scenario; `forecast` stays the baseline. Null without it.' })
  scenario?: VolumeScenario | null;
}
