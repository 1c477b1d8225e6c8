import { graphql } from './gql';

// The page's only GraphQL documents. `npm run build` types them against schema/schema.graphql (codegen.ts), so a field
// renamed or removed in the API fails the dashboard's build instead of its users.

export const DashboardMetaQuery = graphql(`
  query DashboardMeta {
    dataStatus {
      lastImportAt
      rollupsCurrent
      dataThrough {
        fact
        latest
      }
    }
    channels: dimensionValues(dimension: CHANNEL)
    products: dimensionValues(dimension: PRODUCT)
    tiers: dimensionValues(dimension: TIER)
  }
`);

// One fragment per metric type: the schema has no common interface, so each type spells out what a tile shows.
graphql(`
  fragment TicketTile on TicketMetric {
    value
    unit
    sampleSize
    target
    status
    suppressed
    comparison {
      previousValue
      absoluteChange
      relativeChange
      improved
    }
  }
  fragment DurationTile on TicketDurationMetric {
    value
    median
    unit
    sampleSize
    target
    status
    suppressed
    comparison {
      previousValue
      absoluteChange
      relativeChange
      improved
    }
  }
  fragment SurveyTile on SurveyMetric {
    value
    unit
    sampleSize
    target
    status
    suppressed
    comparison {
      previousValue
      absoluteChange
      relativeChange
      improved
    }
  }
  fragment CustomerTile on CustomerMetric {
    value
    unit
    sampleSize
    target
    status
    suppressed
    comparison {
      previousValue
      absoluteChange
      relativeChange
      improved
    }
  }
`);

export const DashboardTilesQuery = graphql(`
  query DashboardTiles($period: PeriodInput!, $channel: [Channel!], $product: [String!], $tier: [String!]) {
    ticketVolume(period: $period, channel: $channel, product: $product, tier: $tier) { ...TicketTile }
    firstResponseTime(period: $period, channel: $channel, product: $product, tier: $tier) { ...DurationTile }
    averageResolutionTime(period: $period, channel: $channel, product: $product, tier: $tier) { ...DurationTile }
    firstContactResolutionRate(period: $period, channel: $channel, product: $product, tier: $tier) { ...TicketTile }
    csat(period: $period, channel: $channel, product: $product, tier: $tier) { ...SurveyTile }
    nps(period: $period, channel: $channel, product: $product, tier: $tier) { ...SurveyTile }
    customerEffortScore(period: $period, channel: $channel, product: $product, tier: $tier) { ...SurveyTile }
    slaComplianceResolution(period: $period, channel: $channel, product: $product, tier: $tier) { ...TicketTile }
    escalationRate(period: $period, channel: $channel, product: $product, tier: $tier) { ...TicketTile }
    abandonmentRate(period: $period, channel: $channel, product: $product, tier: $tier) { ...TicketTile }
    backlog(period: $period, channel: $channel, product: $product, tier: $tier) { ...TicketTile }
    churnRate(period: $period, product: $product, tier: $tier) { ...CustomerTile }
    retentionRate(period: $period, product: $product, tier: $tier) { ...CustomerTile }
    revenue(period: $period, product: $product, tier: $tier) { ...CustomerTile }
  }
`);

export const VolumeSeriesQuery = graphql(`
  query VolumeSeries($period: PeriodInput!, $channel: [Channel!], $product: [String!], $tier: [String!]) {
    ticketVolume(period: $period, channel: $channel, product: $product, tier: $tier) {
      series(granularity: DAY) {
        localStart
        value
      }
      anomalies {
        localStart
        value
        expected
      }
    }
  }
`);

export const VolumeForecastQuery = graphql(`
  query VolumeForecast($history: PeriodInput!, $horizon: Int!, $channel: [Channel!], $product: [String!], $tier: [String!]) {
    ticketVolumeForecast(history: $history, horizon: $horizon, levels: [80, 95], channel: $channel, product: $product, tier: $tier) {
      modelDescription
      note
      history {
        localStart
        value
      }
      forecast {
        localStart
        value
        intervals {
          level
          lower
          upper
        }
      }
    }
  }
`);
