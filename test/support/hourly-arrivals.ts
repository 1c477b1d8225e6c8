/**
 * Eight weeks of hourly ticket arrivals with a daily shape (busy mid-day, a little at night), quiet weekends and
 * deterministic noise, from Monday 6 January 2025 to Sunday 2 March: the history the planning tests forecast from.
 * `product` and `priority` are SQL expressions (of the arrival's number `k`), e.g. `'api'`.
 */
export function hourlyArrivalsSql(o: { prefix: string; channel: string; product: string; priority?: string }): string {
  return `
  INSERT INTO tickets (external_id, channel, product${o.priority ? ', priority' : ''}, created_at)
  SELECT '${o.prefix}' || extract(epoch FROM h)::bigint || '-' || k, '${o.channel}', ${o.product}${o.priority ? `, ${o.priority}` : ''}, h + k * interval '30 seconds'
  FROM generate_series('2025-01-06T00:00:00Z'::timestamptz, '2025-03-02T23:00:00Z', interval '1 hour') h
  CROSS JOIN LATERAL generate_series(1, greatest(0, round((CASE WHEN extract(isodow FROM h) >= 6 THEN 0.4 ELSE 1 END)
      * (1 + 9 * greatest(0, sin(pi() * (extract(hour FROM h) - 7) / 12)))
      + (get_byte(decode(md5(h::text), 'hex'), 0) % 7 - 3) * 0.7))::int) k`;
}
