import { ConfigError, type Config } from '../config/config';

/** True under NODE_ENV=production. */
export function isProduction(config: Pick<Config, 'NODE_ENV'>): boolean {
  return config.NODE_ENV === 'production';
}

/** Whether GET /graphql serves the explorer: DESKMETRICS_EXPLORER=on, or 'auto' outside production mode. */
export function explorerEnabled(config: Pick<Config, 'NODE_ENV' | 'DESKMETRICS_EXPLORER'>): boolean {
  return config.DESKMETRICS_EXPLORER === 'on' || (config.DESKMETRICS_EXPLORER === 'auto' && !isProduction(config));
}

/** Throws ConfigError for settings that cannot work together, and for production without its safeguards. */
export function checkServerSettings(config: Config): void {
  const problems: string[] = [];
  if (config.RATE_LIMIT_BURST_COST < config.MAX_QUERY_COST) {
    problems.push(
      `RATE_LIMIT_BURST_COST=${config.RATE_LIMIT_BURST_COST} is below MAX_QUERY_COST=${config.MAX_QUERY_COST}: the costliest allowed query could never run`,
    );
  }
  if (isProduction(config) && config.DATABASE_STATEMENT_TIMEOUT_MS === 0) {
    problems.push('DATABASE_STATEMENT_TIMEOUT_MS=0 turns the statement timeout off, which production mode does not allow');
  }
  if (isProduction(config) && config.CORS_ORIGINS.includes('*')) {
    problems.push(
      "CORS_ORIGINS='*' lets every web page call the API with a key it holds, which production mode does not allow: list the dashboards' origins",
    );
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
}
