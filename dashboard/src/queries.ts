import { graphql } from './gql';

// The page's only GraphQL documents. `npm run build` types them against schema/schema.graphql (codegen.ts), so a field
// renamed or removed in the API fails the dashboard's build instead of its users.

// The data's freshness (a few indexed lookups: the default period waits for it) apart from the filters' choices
// (distinct values, which read more): the tiles wait only for the first.
export const DashboardStatusQuery = graphql(`
  query DashboardStatus {
    dataStatus {
      lastImportAt
      rollupsCurrent
      dataThrough {
        fact
        latest
      }
    }
  }
`);

export const DashboardChoicesQuery = graphql(`
  query DashboardChoices {
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
    ticketVolume(period: $period, channel: $channel, product: $product, tier: $tier) {
      ...TicketTile
    }
    firstResponseTime(period: $period, channel: $channel, product: $product, tier: $tier) {
      ...DurationTile
    }
    averageResolutionTime(period: $period, channel: $channel, product: $product, tier: $tier) {
      ...DurationTile
    }
    firstContactResolutionRate(period: $period, channel: $channel, product: $product, tier: $tier) {
      ...TicketTile
    }
    csat(period: $period, channel: $channel, product: $product, tier: $tier) {
      ...SurveyTile
    }
    nps(period: $period, channel: $channel, product: $product, tier: $tier) {
      ...SurveyTile
    }
    customerEffortScore(period: $period, channel: $channel, product: $product, tier: $tier) {
      ...SurveyTile
    }
    slaComplianceResolution(period: $period, channel: $channel, product: $product, tier: $tier) {
      ...TicketTile
    }
    escalationRate(period: $period, channel: $channel, product: $product, tier: $tier) {
      ...TicketTile
    }
    abandonmentRate(period: $period, channel: $channel, product: $product, tier: $tier) {
      ...TicketTile
    }
    backlog(period: $period, channel: $channel, product: $product, tier: $tier) {
      ...TicketTile
    }
    churnRate(period: $period, product: $product, tier: $tier) {
      ...CustomerTile
    }
    retentionRate(period: $period, product: $product, tier: $tier) {
      ...CustomerTile
    }
    revenue(period: $period, product: $product, tier: $tier) {
      ...CustomerTile
    }
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

// A tile's drill-down: the records behind its value, a page at a time, with the tiles' own period and filters. One
// document for every tile (the one asked for is included), so the build types it like the others.
graphql(`
  fragment RecordsPage on MetricRecordConnection {
    totalCount
    quantityUnit
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      recordType
      sourceId
      ticketId
      customerId
      channel
      product
      tier
      priority
      agent
      eventAt
      quantity
    }
  }
`);

export const TileRecordsQuery = graphql(`
  query TileRecords(
    $period: PeriodInput!
    $channel: [Channel!]
    $product: [String!]
    $tier: [String!]
    $first: Int!
    $after: String
    $ticketVolume: Boolean! = false
    $firstResponseTime: Boolean! = false
    $averageResolutionTime: Boolean! = false
    $firstContactResolutionRate: Boolean! = false
    $csat: Boolean! = false
    $nps: Boolean! = false
    $customerEffortScore: Boolean! = false
    $slaComplianceResolution: Boolean! = false
    $escalationRate: Boolean! = false
    $abandonmentRate: Boolean! = false
    $backlog: Boolean! = false
    $churnRate: Boolean! = false
    $retentionRate: Boolean! = false
    $revenue: Boolean! = false
  ) {
    ticketVolume(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $ticketVolume) {
      records(first: $first, after: $after) {
        ...RecordsPage
      }
    }
    firstResponseTime(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $firstResponseTime) {
      records(first: $first, after: $after) {
        ...RecordsPage
      }
    }
    averageResolutionTime(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $averageResolutionTime) {
      records(first: $first, after: $after) {
        ...RecordsPage
      }
    }
    firstContactResolutionRate(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $firstContactResolutionRate) {
      records(first: $first, after: $after) {
        ...RecordsPage
      }
    }
    csat(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $csat) {
      records(first: $first, after: $after) {
        ...RecordsPage
      }
    }
    nps(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $nps) {
      records(first: $first, after: $after) {
        ...RecordsPage
      }
    }
    customerEffortScore(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $customerEffortScore) {
      records(first: $first, after: $after) {
        ...RecordsPage
      }
    }
    slaComplianceResolution(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $slaComplianceResolution) {
      records(first: $first, after: $after) {
        ...RecordsPage
      }
    }
    escalationRate(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $escalationRate) {
      records(first: $first, after: $after) {
        ...RecordsPage
      }
    }
    abandonmentRate(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $abandonmentRate) {
      records(first: $first, after: $after) {
        ...RecordsPage
      }
    }
    backlog(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $backlog) {
      records(first: $first, after: $after) {
        ...RecordsPage
      }
    }
    churnRate(period: $period, product: $product, tier: $tier) @include(if: $churnRate) {
      records(first: $first, after: $after) {
        ...RecordsPage
      }
    }
    retentionRate(period: $period, product: $product, tier: $tier) @include(if: $retentionRate) {
      records(first: $first, after: $after) {
        ...RecordsPage
      }
    }
    revenue(period: $period, product: $product, tier: $tier) @include(if: $revenue) {
      records(first: $first, after: $after) {
        ...RecordsPage
      }
    }
  }
`);

// One metric by one dimension: its breakdown over the period and the drivers of its change from the previous period
// (which segments' mix and rate moved it). Ticket and survey metrics take differently named dimension enums with the
// same values, so the page passes the one dimension as both variables; only the metric asked for is included.
graphql(`
  fragment BreakdownRows on MetricBreakdownRow {
    segment
    value
    sampleSize
  }
  fragment Drivers on MetricDrivers {
    currentValue
    previousValue
    change
    unexplained
    comparedFrom
    comparedTo
    segments {
      segment
      contribution
      mixEffect
      rateEffect
      currentShare
      previousShare
      currentValue
      previousValue
    }
  }
  fragment TicketAnalysis on TicketMetric {
    unit
    breakdown(by: $ticketBy) {
      ...BreakdownRows
    }
    drivers(by: $ticketBy) {
      ...Drivers
    }
  }
  fragment DurationAnalysis on TicketDurationMetric {
    unit
    breakdown(by: $ticketBy) {
      ...BreakdownRows
    }
    drivers(by: $ticketBy) {
      ...Drivers
    }
  }
  fragment SurveyAnalysis on SurveyMetric {
    unit
    breakdown(by: $surveyBy) {
      ...BreakdownRows
    }
    drivers(by: $surveyBy) {
      ...Drivers
    }
  }
`);

export const MetricAnalysisQuery = graphql(`
  query MetricAnalysis(
    $period: PeriodInput!
    $channel: [Channel!]
    $product: [String!]
    $tier: [String!]
    $ticketBy: TicketDimension!
    $surveyBy: SurveyDimension!
    $ticketVolume: Boolean! = false
    $firstResponseTime: Boolean! = false
    $averageResolutionTime: Boolean! = false
    $firstContactResolutionRate: Boolean! = false
    $csat: Boolean! = false
    $nps: Boolean! = false
    $customerEffortScore: Boolean! = false
    $slaComplianceResolution: Boolean! = false
    $escalationRate: Boolean! = false
    $abandonmentRate: Boolean! = false
  ) {
    ticketVolume(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $ticketVolume) {
      ...TicketAnalysis
    }
    firstResponseTime(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $firstResponseTime) {
      ...DurationAnalysis
    }
    averageResolutionTime(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $averageResolutionTime) {
      ...DurationAnalysis
    }
    firstContactResolutionRate(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $firstContactResolutionRate) {
      ...TicketAnalysis
    }
    csat(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $csat) {
      ...SurveyAnalysis
    }
    nps(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $nps) {
      ...SurveyAnalysis
    }
    customerEffortScore(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $customerEffortScore) {
      ...SurveyAnalysis
    }
    slaComplianceResolution(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $slaComplianceResolution) {
      ...TicketAnalysis
    }
    escalationRate(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $escalationRate) {
      ...TicketAnalysis
    }
    abandonmentRate(period: $period, channel: $channel, product: $product, tier: $tier) @include(if: $abandonmentRate) {
      ...TicketAnalysis
    }
  }
`);

// Agents per interval for the week after the period, for one channel within the product and tier filters.
export const StaffingPlanQuery = graphql(`
  query StaffingPlan($channel: Channel!, $from: DateTime!, $days: Int!, $timezone: String!, $product: [String!], $tier: [String!]) {
    staffingPlan(channel: $channel, from: $from, days: $days, timezone: $timezone, intervalMinutes: 30, product: $product, tier: $tier) {
      channel
      model
      ahtSeconds
      forecastModel
      note
      calendar
      intervals {
        localStart
        open
        contacts
        agents
        scheduledAgents
      }
      days {
        date
        fte
        peakScheduledAgents
      }
    }
  }
`);
