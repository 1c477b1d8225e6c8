import { registerEnumType } from 'type-graphql';
import { CHANNELS, PRIORITIES } from '../data/domain';
import { DIMENSION_SETS, DIMENSIONS, type Dimension, type DimensionSetName } from './dimensions';
import { DIRECTIONS, HOURS_MODES, INDICATORS, METRIC_KINDS, UNITS } from './metric-definition';
import { GRANULARITIES } from './period';
import { TARGET_STATUSES } from './targets/target-status';

/** A GraphQL enum object (NAME → internal value) from a closed set of lower-case values. */
function enumOf<T extends string>(values: readonly T[]): Record<string, T> {
  return Object.fromEntries(values.map((v) => [v.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase(), v]));
}

export const ChannelEnum = enumOf(CHANNELS);
export const PriorityEnum = enumOf(PRIORITIES);
export const GranularityEnum = enumOf(GRANULARITIES);
export const DimensionEnum = enumOf(DIMENSIONS);
export const UnitEnum = enumOf(UNITS);
export const DirectionEnum = enumOf(DIRECTIONS);
export const MetricKindEnum = enumOf(METRIC_KINDS);
export const IndicatorEnum = enumOf(INDICATORS);
export const HoursEnum = enumOf(HOURS_MODES);
export const TargetStatusEnum = Object.fromEntries(TARGET_STATUSES.map((s) => [s, s]));

registerEnumType(ChannelEnum, { name: 'Channel', description: 'Contact channel of a ticket.' });
registerEnumType(PriorityEnum, { name: 'Priority', description: 'Ticket priority.' });
registerEnumType(GranularityEnum, { name: 'Granularity', description: 'Bucket size of a series; weeks start on Monday.' });
registerEnumType(DimensionEnum, { name: 'Dimension', description: 'A segment dimension metrics can be filtered and broken down by.' });
registerEnumType(UnitEnum, { name: 'Unit', description: 'Unit of a metric value (durations in seconds, percentages 0–100).' });
registerEnumType(DirectionEnum, { name: 'Direction', description: 'Whether a higher or a lower value is better.' });
registerEnumType(MetricKindEnum, {
  name: 'MetricKind',
  description: 'Quantitative (operational counts and times) or qualitative (customer perception).',
});
registerEnumType(TargetStatusEnum, { name: 'TargetStatus', description: 'Where a metric stands against its target.' });
registerEnumType(HoursEnum, { name: 'Hours', description: 'How elapsed time is measured: on the calendar, or in business hours only.' });
registerEnumType(IndicatorEnum, { name: 'Indicator', description: 'Leading (predicts outcomes) or lagging (reports them).' });

/** Per dimension set, the enum of dimensions its metrics can be broken down by (TicketDimension, SurveyDimension, …). */
export const DIMENSION_SET_ENUMS = Object.fromEntries(
  Object.entries(DIMENSION_SETS).map(([name, dims]) => {
    const e = enumOf(dims);
    registerEnumType(e, { name: `${name}Dimension`, description: `A dimension ${name.toLowerCase()} metrics can be broken down by.` });
    return [name, e];
  }),
) as Record<DimensionSetName, Record<string, Dimension>>;
