/**
 * The parts of Zendesk Support's API responses the sync reads (developer.zendesk.com, Incremental Exports, Ticket
 * Metrics, Satisfaction Ratings, Groups). Fields may be missing or null in real answers; the mapping checks them.
 */

export interface ZdVia {
  channel?: string | null;
}

export interface ZdTicket {
  id: number;
  created_at: string;
  updated_at: string;
  generated_timestamp?: number;
  status: string;
  priority?: string | null;
  via?: ZdVia | null;
  organization_id?: number | null;
  requester_id?: number | null;
  assignee_id?: number | null;
  group_id?: number | null;
  brand_id?: number | null;
  tags?: string[] | null;
  custom_fields?: { id: number; value: unknown }[] | null;
}

export interface ZdMinutes {
  calendar: number | null;
  business: number | null;
}

/** A ticket's metric set (the `metric_sets` side-load of the ticket export). */
export interface ZdMetricSet {
  ticket_id: number;
  solved_at?: string | null;
  reopens?: number | null;
  replies?: number | null;
  reply_time_in_minutes?: ZdMinutes | null;
}

export interface ZdUser {
  id: number;
  name: string;
  role: string;
  default_group_id?: number | null;
  organization_id?: number | null;
  created_at?: string;
  updated_at?: string;
  tags?: string[] | null;
  user_fields?: Record<string, unknown> | null;
}

export interface ZdOrganization {
  id: number;
  name: string;
  created_at: string;
  updated_at?: string;
  tags?: string[] | null;
  organization_fields?: Record<string, unknown> | null;
  deleted_at?: string | null;
}

export interface ZdGroup {
  id: number;
  name: string;
}

/** A child event of a ticket event; comments have event_type (or type) `Comment`. */
export interface ZdChildEvent {
  id: number;
  event_type?: string;
  type?: string;
  author_id?: number | null;
  public?: boolean;
  created_at?: string;
  via?: ZdVia | null;
}

export interface ZdTicketEvent {
  id: number;
  ticket_id: number;
  timestamp: number;
  created_at: string;
  updater_id?: number | null;
  /** A string in the incremental export ("Web form", "Rule"); an object elsewhere. */
  via?: string | ZdVia | null;
  event_type?: string;
  child_events?: ZdChildEvent[] | null;
}

export interface ZdSatisfactionRating {
  id: number;
  ticket_id: number | null;
  score: string;
  created_at: string;
  updated_at: string;
}

/** Cursor-based incremental export page (tickets, users). */
export interface ZdCursorPage {
  after_cursor: string | null;
  after_url?: string | null;
  end_of_stream: boolean;
}

/** Time-based incremental export page (organizations, ticket events). */
export interface ZdTimePage {
  next_page: string | null;
  end_time: number | null;
  end_of_stream: boolean;
  count?: number;
}

/** Cursor pagination of the ordinary list endpoints (groups, satisfaction ratings). */
export interface ZdListPage {
  meta?: { has_more?: boolean; after_cursor?: string | null };
  links?: { next?: string | null };
}
