import { JsonHttpClient, type HttpClientOptions } from '../http-client';
import type { ZendeskConfig } from './zendesk-config';
import { ZendeskConnector } from './zendesk-connector';

/** The account and credentials, from ZENDESK_SUBDOMAIN, ZENDESK_EMAIL, ZENDESK_API_TOKEN and ZENDESK_URL. */
export interface ZendeskAccount {
  baseUrl: string;
  email: string;
  token: string;
}

/** Settings missing or malformed in the environment; the message names the variable (never its value). */
export class ZendeskEnvError extends Error {}

export function zendeskAccountFromEnv(env: Record<string, string | undefined>): ZendeskAccount {
  const problems: string[] = [];
  const subdomain = env.ZENDESK_SUBDOMAIN?.trim();
  const override = env.ZENDESK_URL?.trim();
  let baseUrl = '';
  if (override) {
    try {
      const url = new URL(override);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
      baseUrl = url.href.replace(/\/$/, '');
    } catch {
      problems.push('ZENDESK_URL — must be an http(s) URL, e.g. https://proxy.example.com');
    }
  } else if (!subdomain) {
    problems.push('ZENDESK_SUBDOMAIN — required (the "acme" of acme.zendesk.com), or set ZENDESK_URL');
  } else if (!/^[a-z0-9][a-z0-9-]*$/i.test(subdomain)) {
    problems.push('ZENDESK_SUBDOMAIN — must be the subdomain only (letters, digits, hyphens), e.g. acme for acme.zendesk.com');
  } else {
    baseUrl = `https://${subdomain}.zendesk.com`;
  }
  const email = env.ZENDESK_EMAIL?.trim();
  if (!email || !email.includes('@')) problems.push('ZENDESK_EMAIL — required: the email address of the agent the API token belongs to');
  const token = env.ZENDESK_API_TOKEN?.trim();
  if (!token) problems.push('ZENDESK_API_TOKEN — required: an API token (Admin Center → Apps and integrations → Zendesk API)');
  if (problems.length) throw new ZendeskEnvError(problems.join('\n'));
  return { baseUrl, email: email!, token: token! };
}

/** The connector for an account: basic auth `email/token:token`, the incremental endpoints spaced to the configured rate. */
export function zendeskConnector(account: ZendeskAccount, config: ZendeskConfig, client: Partial<HttpClientOptions> = {}): ZendeskConnector {
  const authorization = `Basic ${Buffer.from(`${account.email}/token:${account.token}`).toString('base64')}`;
  const http = new JsonHttpClient({
    limitedPrefix: '/api/v2/incremental/',
    limitedPerMinute: config.requestsPerMinute,
    ...client,
    baseUrl: account.baseUrl,
    headers: { authorization },
  });
  return new ZendeskConnector(http, config);
}
