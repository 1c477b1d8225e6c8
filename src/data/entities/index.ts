import { AgentActivity } from './agent-activity.entity';
import { Agent } from './agent.entity';
import { Customer } from './customer.entity';
import { ImportRun } from './import-run.entity';
import { Message } from './message.entity';
import { Order } from './order.entity';
import { SlaPolicy } from './sla-policy.entity';
import { Survey } from './survey.entity';
import { Ticket } from './ticket.entity';
import { MetricTarget } from './metric-target.entity';
import { BusinessCalendar, BusinessHoliday, BusinessHours } from './business-calendar.entity';
import { ApiKey } from './api-key.entity';
import { AuditEntry } from './audit-entry.entity';
import { ForecastEventRow } from './forecast-event.entity';

export { AgentActivity, Agent, Customer, ImportRun, Message, MetricTarget, Order, SlaPolicy, Survey, Ticket };

/** Every entity of the data model, for the DataSource. */
export const ENTITIES = [
  Customer,
  Agent,
  Ticket,
  Message,
  Survey,
  Order,
  AgentActivity,
  SlaPolicy,
  ImportRun,
  MetricTarget,
  BusinessCalendar,
  BusinessHours,
  BusinessHoliday,
  ApiKey,
  AuditEntry,
  ForecastEventRow,
];
