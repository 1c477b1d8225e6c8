/** Public API of the forecasting library: pure functions, no I/O. */
export { stl, type StlOptions, type StlResult } from './stl';
export { mstl, type MstlOptions, type MstlResult } from './mstl';
export {
  forecast,
  type ForecastOptions,
  type ForecastResult,
  type ForecastInterval,
  type ForecastAccuracy,
  type IntervalMethod,
  type IntervalCalibration,
} from './forecast';
export { type ForecastEvent, type EventEffect } from './events';
export { backtest, type BacktestOptions, type BacktestResult } from './backtest';
export { mase, smape, mae, intervalCoverage, seasonalNaiveScale } from './accuracy';
export { MODEL_NAMES, type ModelName } from './models/candidates';
export { erlangB, erlangC, requiredAgents } from './erlang-c';
export type { ErlangCInput, ErlangCResult, RequiredAgentsInput, RequiredAgentsResult } from './erlang-c';
export { erlangA, requiredAgentsErlangA } from './erlang-a';
export type { ErlangAInput, ErlangAResult, RequiredAgentsErlangAInput, RequiredAgentsErlangAResult } from './erlang-a';
export { asyncWorkload, asyncWorkloadPlan, requiredChatAgents } from './staffing';
export type {
  AsyncWorkloadInput,
  AsyncWorkloadResult,
  AsyncWorkloadPlanInput,
  AsyncWorkloadPlanResult,
  AsyncPlanInterval,
  ChatAgentsInput,
  ChatAgentsResult,
} from './staffing';
export { forecastChurn, MIN_MONTHS_FOR_SMOOTHING } from './churn';
export type { ForecastChurnInput, ChurnHistory, ChurnForecastResult, ChurnForecastMonth, ChurnInterval } from './churn';
