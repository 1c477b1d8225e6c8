import { folderSource } from '../../src/import/folder-source';
import { importDataset } from '../../src/import/import-dataset';
import { ImportValidationError, type ImportProblem } from '../../src/import/import-problems';
import { BASE_DATASET, databaseWithBaseDataset, incompressibleText, snapshot, withLine, writeDataset, removeDatasets } from './dataset-helpers';

afterAll(() => removeDatasets());

const TICKET = (cells: Partial<Record<string, string>>) => {
  const row = {
    ticket_id: 'T9',
    customer_id: 'C1',
    channel: 'email',
    product: '',
    priority: '',
    created_at: '2025-02-05T10:00:00Z',
    first_response_at: '',
    resolved_at: '',
    abandoned_at: '',
    escalated: '',
    reopened_count: '',
    assignee_id: '',
    ...cells,
  };
  return Object.values(row).join(',');
};

type Case = [what: string, files: Record<string, string | Buffer>, expected: { file: string; line?: number; column?: string; reason: RegExp }];

/** Every rule of the contract, broken once; each must fail with file, line, column and reason and leave the database as it was. */
const CASES: Case[] = [
  // The acceptance criteria's five.
  [
    'a timestamp without offset',
    withLine('tickets.csv', TICKET({ created_at: '2025-02-05T10:00:00' })),
    { file: 'tickets.csv', line: 5, column: 'created_at', reason: /no UTC offset/ },
  ],
  [
    'an unknown channel',
    withLine('tickets.csv', TICKET({ channel: 'fax' })),
    { file: 'tickets.csv', line: 5, column: 'channel', reason: /unknown channel "fax"/ },
  ],
  [
    'resolved_at before created_at',
    withLine('tickets.csv', TICKET({ resolved_at: '2025-02-05T09:59:59.999999Z' })),
    { file: 'tickets.csv', line: 5, column: 'resolved_at', reason: /resolved_at .* is before created_at/ },
  ],
  [
    'a message for an unknown ticket',
    withLine('messages.csv', 'M9,T404,customer,,2025-02-01T10:00:00Z,'),
    { file: 'messages.csv', line: 6, column: 'ticket_id', reason: /ticket_id "T404" not found in tickets.csv/ },
  ],
  [
    'a duplicate id in one file',
    withLine('tickets.csv', TICKET({ ticket_id: 'T1' })),
    { file: 'tickets.csv', line: 5, column: 'ticket_id', reason: /duplicate ticket_id "T1": already on line 2/ },
  ],
  // tickets
  [
    'first_response_at before created_at',
    withLine('tickets.csv', TICKET({ first_response_at: '2025-02-05T10:59:00+01:00' })),
    { file: 'tickets.csv', line: 5, column: 'first_response_at', reason: /is before created_at/ },
  ],
  [
    'abandoned_at before created_at',
    withLine('tickets.csv', TICKET({ abandoned_at: '2025-02-04T10:00:00Z' })),
    { file: 'tickets.csv', line: 5, column: 'abandoned_at', reason: /is before created_at/ },
  ],
  [
    'a ticket both abandoned and resolved',
    withLine('tickets.csv', TICKET({ abandoned_at: '2025-02-05T11:00:00Z', resolved_at: '2025-02-05T12:00:00Z' })),
    { file: 'tickets.csv', line: 5, column: 'abandoned_at', reason: /both abandoned and resolved/ },
  ],
  [
    'an unknown priority',
    withLine('tickets.csv', TICKET({ priority: 'critical' })),
    { file: 'tickets.csv', line: 5, column: 'priority', reason: /unknown priority "critical"/ },
  ],
  [
    'a boolean that is not true/false',
    withLine('tickets.csv', TICKET({ escalated: 'yes' })),
    { file: 'tickets.csv', line: 5, column: 'escalated', reason: /not a boolean/ },
  ],
  [
    'a negative reopened_count',
    withLine('tickets.csv', TICKET({ reopened_count: '-1' })),
    { file: 'tickets.csv', line: 5, column: 'reopened_count', reason: /out of range/ },
  ],
  [
    'a fractional reopened_count',
    withLine('tickets.csv', TICKET({ reopened_count: '1.5' })),
    { file: 'tickets.csv', line: 5, column: 'reopened_count', reason: /not a whole number/ },
  ],
  [
    'an unknown customer',
    withLine('tickets.csv', TICKET({ customer_id: 'C404' })),
    { file: 'tickets.csv', line: 5, column: 'customer_id', reason: /customer_id "C404" not found in customers.csv/ },
  ],
  [
    'an unknown assignee',
    withLine('tickets.csv', TICKET({ assignee_id: 'A404' })),
    { file: 'tickets.csv', line: 5, column: 'assignee_id', reason: /assignee_id "A404" not found in agents.csv/ },
  ],
  [
    'a missing required cell',
    withLine('tickets.csv', TICKET({ channel: '' })),
    { file: 'tickets.csv', line: 5, column: 'channel', reason: /channel is required/ },
  ],
  [
    'a month that does not exist',
    withLine('tickets.csv', TICKET({ created_at: '2025-13-01T00:00:00Z' })),
    { file: 'tickets.csv', line: 5, column: 'created_at', reason: /month 13 does not exist/ },
  ],
  [
    'February 29th of a common year',
    withLine('tickets.csv', TICKET({ created_at: '2025-02-29T00:00:00Z' })),
    { file: 'tickets.csv', line: 5, column: 'created_at', reason: /day 29 does not exist/ },
  ],
  [
    'an hour that does not exist',
    withLine('tickets.csv', TICKET({ created_at: '2025-02-05T25:00:00Z' })),
    { file: 'tickets.csv', line: 5, column: 'created_at', reason: /time of day that does not exist/ },
  ],
  [
    'a date where a timestamp belongs',
    withLine('tickets.csv', TICKET({ created_at: '2025-02-05' })),
    { file: 'tickets.csv', line: 5, column: 'created_at', reason: /is a date, not a timestamp/ },
  ],
  [
    'a timestamp in another format',
    withLine('tickets.csv', TICKET({ created_at: '05/02/2025 10:00' })),
    { file: 'tickets.csv', line: 5, column: 'created_at', reason: /not an ISO-8601 timestamp/ },
  ],
  [
    'a product longer than its limit',
    withLine('tickets.csv', TICKET({ product: incompressibleText(3000) })),
    { file: 'tickets.csv', line: 5, column: 'product', reason: /^longer than 200 characters \(it has 3000\)$/ },
  ],
  [
    'a ticket id longer than its limit',
    withLine('tickets.csv', TICKET({ ticket_id: 'T'.repeat(201) })),
    { file: 'tickets.csv', line: 5, column: 'ticket_id', reason: /^longer than 200 characters/ },
  ],
  // messages
  [
    'a message sent before its ticket was created',
    withLine('messages.csv', 'M9,T1,customer,,2025-02-01T09:59:59Z,'),
    { file: 'messages.csv', line: 6, column: 'sent_at', reason: /before the ticket's created_at/ },
  ],
  [
    'an unknown author',
    withLine('messages.csv', 'M9,T1,system,,2025-02-01T10:00:00Z,'),
    { file: 'messages.csv', line: 6, column: 'author', reason: /unknown author "system"/ },
  ],
  [
    'an agent_id on a customer message',
    withLine('messages.csv', 'M9,T1,customer,A1,2025-02-01T10:00:00Z,'),
    { file: 'messages.csv', line: 6, column: 'agent_id', reason: /only for agent messages/ },
  ],
  [
    'an unknown agent on a message',
    withLine('messages.csv', 'M9,T1,agent,A404,2025-02-01T10:00:00Z,'),
    { file: 'messages.csv', line: 6, column: 'agent_id', reason: /agent_id "A404" not found/ },
  ],
  [
    'negative handle_seconds',
    withLine('messages.csv', 'M9,T1,agent,A1,2025-02-01T10:00:00Z,-1'),
    { file: 'messages.csv', line: 6, column: 'handle_seconds', reason: /must be ≥ 0/ },
  ],
  [
    'handle_seconds that is not a number',
    withLine('messages.csv', 'M9,T1,agent,A1,2025-02-01T10:00:00Z,1m'),
    { file: 'messages.csv', line: 6, column: 'handle_seconds', reason: /not a number/ },
  ],
  [
    'a duplicate message id',
    withLine('messages.csv', 'M2,T1,bot,,2025-02-01T10:00:05Z,'),
    { file: 'messages.csv', line: 6, column: 'message_id', reason: /duplicate message_id "M2": already on line 3/ },
  ],
  // surveys
  [
    'an unknown survey kind',
    withLine('surveys.csv', 'S9,ces2,3,2025-02-03T00:00:00Z,,C1'),
    { file: 'surveys.csv', line: 4, column: 'kind', reason: /unknown survey kind/ },
  ],
  [
    'a CSAT score of 6',
    withLine('surveys.csv', 'S9,csat,6,2025-02-03T00:00:00Z,,C1'),
    { file: 'surveys.csv', line: 4, column: 'score', reason: /outside the csat scale 1–5/ },
  ],
  [
    'an NPS score of 11',
    withLine('surveys.csv', 'S9,nps,11,2025-02-03T00:00:00Z,,C1'),
    { file: 'surveys.csv', line: 4, column: 'score', reason: /outside the nps scale 0–10/ },
  ],
  [
    'a CES score of 0',
    withLine('surveys.csv', 'S9,ces,0,2025-02-03T00:00:00Z,,C1'),
    { file: 'surveys.csv', line: 4, column: 'score', reason: /outside the ces scale 1–7/ },
  ],
  [
    'a fractional score',
    withLine('surveys.csv', 'S9,csat,4.5,2025-02-03T00:00:00Z,,C1'),
    { file: 'surveys.csv', line: 4, column: 'score', reason: /not a whole number/ },
  ],
  [
    'a survey of an unknown ticket',
    withLine('surveys.csv', 'S9,csat,4,2025-02-03T00:00:00Z,T404,'),
    { file: 'surveys.csv', line: 4, column: 'ticket_id', reason: /ticket_id "T404" not found/ },
  ],
  [
    'a survey of an unknown customer',
    withLine('surveys.csv', 'S9,csat,4,2025-02-03T00:00:00Z,,C404'),
    { file: 'surveys.csv', line: 4, column: 'customer_id', reason: /customer_id "C404" not found/ },
  ],
  [
    'a survey without responded_at',
    withLine('surveys.csv', 'S9,csat,4,,,C1'),
    { file: 'surveys.csv', line: 4, column: 'responded_at', reason: /responded_at is required/ },
  ],
  [
    'a survey with an unknown channel',
    { ...BASE_DATASET, 'surveys.csv': 'survey_id,kind,score,responded_at,channel\nS9,csat,4,2025-02-03T00:00:00Z,pigeon\n' },
    { file: 'surveys.csv', line: 2, column: 'channel', reason: /unknown channel "pigeon"/ },
  ],
  // orders
  [
    'a negative amount',
    withLine('orders.csv', 'O9,C1,-0.01,2025-02-01T00:00:00Z,'),
    { file: 'orders.csv', line: 3, column: 'amount', reason: /must be ≥ 0/ },
  ],
  [
    'an amount that is not a decimal',
    withLine('orders.csv', 'O9,C1,12.5.1,2025-02-01T00:00:00Z,'),
    { file: 'orders.csv', line: 3, column: 'amount', reason: /not a decimal/ },
  ],
  [
    'an order without customer',
    withLine('orders.csv', 'O9,,1,2025-02-01T00:00:00Z,'),
    { file: 'orders.csv', line: 3, column: 'customer_id', reason: /customer_id is required/ },
  ],
  [
    'an order of an unknown customer',
    withLine('orders.csv', 'O9,C404,1,2025-02-01T00:00:00Z,'),
    { file: 'orders.csv', line: 3, column: 'customer_id', reason: /customer_id "C404" not found/ },
  ],
  // agent_activity
  [
    'zero available_seconds',
    withLine('agent_activity.csv', 'A2,2025-02-01,0,0'),
    { file: 'agent_activity.csv', line: 3, column: 'available_seconds', reason: /must be > 0/ },
  ],
  [
    'negative active_seconds',
    withLine('agent_activity.csv', 'A2,2025-02-01,100,-1'),
    { file: 'agent_activity.csv', line: 3, column: 'active_seconds', reason: /must be ≥ 0/ },
  ],
  [
    'active above available',
    withLine('agent_activity.csv', 'A2,2025-02-01,100,100.5'),
    { file: 'agent_activity.csv', line: 3, column: 'active_seconds', reason: /exceeds available_seconds/ },
  ],
  [
    'a date that does not exist',
    withLine('agent_activity.csv', 'A2,2025-02-30,100,50'),
    { file: 'agent_activity.csv', line: 3, column: 'date', reason: /day 30 does not exist/ },
  ],
  [
    'a date in another format',
    withLine('agent_activity.csv', 'A2,02/01/2025,100,50'),
    { file: 'agent_activity.csv', line: 3, column: 'date', reason: /not a date in the form YYYY-MM-DD/ },
  ],
  [
    'a second row for one agent and day',
    withLine('agent_activity.csv', 'A1,2025-02-01,100,50'),
    { file: 'agent_activity.csv', line: 3, column: 'agent_id', reason: /duplicate agent_id "A1" and date "2025-02-01": already on line 2/ },
  ],
  [
    'activity of an unknown agent',
    withLine('agent_activity.csv', 'A404,2025-02-01,100,50'),
    { file: 'agent_activity.csv', line: 3, column: 'agent_id', reason: /agent_id "A404" not found/ },
  ],
  // sla_policies
  [
    'an SLA for an unknown priority',
    withLine('sla_policies.csv', 'p1,,10,20'),
    { file: 'sla_policies.csv', line: 4, column: 'priority', reason: /unknown priority "p1"/ },
  ],
  [
    'an SLA for an unknown channel',
    withLine('sla_policies.csv', 'low,fax,10,20'),
    { file: 'sla_policies.csv', line: 4, column: 'channel', reason: /unknown channel "fax"/ },
  ],
  [
    'a second catch-all SLA for one priority',
    withLine('sla_policies.csv', 'normal,,10,20'),
    { file: 'sla_policies.csv', line: 4, column: 'priority', reason: /duplicate priority "normal" and channel null: already on line 2/ },
  ],
  [
    'an SLA target of zero minutes',
    withLine('sla_policies.csv', 'low,,0,20'),
    { file: 'sla_policies.csv', line: 4, column: 'first_response_minutes', reason: /must be > 0/ },
  ],
  // customers and agents
  [
    'a customer churned before signing up',
    withLine('customers.csv', 'C9,pro,,2025-01-02T00:00:00Z,2025-01-01T00:00:00Z'),
    { file: 'customers.csv', line: 4, column: 'churned_at', reason: /churned_at .* is before signed_up_at/ },
  ],
  [
    'a customer without tier',
    withLine('customers.csv', 'C9,,,2025-01-02T00:00:00Z,'),
    { file: 'customers.csv', line: 4, column: 'tier', reason: /tier is required/ },
  ],
  [
    'a duplicate customer id',
    withLine('customers.csv', 'C1,pro,,2025-01-02T00:00:00Z,'),
    { file: 'customers.csv', line: 4, column: 'customer_id', reason: /duplicate customer_id "C1": already on line 2/ },
  ],
  ['an agent without name', withLine('agents.csv', 'A9,,'), { file: 'agents.csv', line: 4, column: 'name', reason: /name is required/ }],
  // files and headers
  [
    'an unknown column',
    { ...BASE_DATASET, 'agents.csv': 'agent_id,name,team,region\nA1,Ann,,eu\n' },
    { file: 'agents.csv', line: 1, column: 'region', reason: /unknown column region .*must start with x_/ },
  ],
  [
    'a missing required column',
    { ...BASE_DATASET, 'agents.csv': 'agent_id,team\nA1,tier1\n' },
    { file: 'agents.csv', line: 1, column: 'name', reason: /required column name is missing/ },
  ],
  [
    'a column named twice',
    { ...BASE_DATASET, 'agents.csv': 'agent_id,name,name\nA1,Ann,Bob\n' },
    { file: 'agents.csv', line: 1, column: 'name', reason: /appears twice/ },
  ],
  ['an empty file', { ...BASE_DATASET, 'agents.csv': '' }, { file: 'agents.csv', line: 1, reason: /file is empty/ }],
  [
    'a record with too many cells',
    withLine('agents.csv', 'A9,Al,tier1,extra'),
    { file: 'agents.csv', line: 4, reason: /unreadable CSV record: Invalid Record Length/ },
  ],
  [
    'an unclosed quote',
    withLine('agents.csv', 'A9,"Al,tier1'),
    { file: 'agents.csv', line: 4, reason: /a quote opened in the record starting on this line is never closed/ },
  ],
  [
    'bytes that are not UTF-8',
    {
      ...BASE_DATASET,
      'agents.csv': Buffer.concat([Buffer.from('agent_id,name,team\nA1,Ann,\nA9,'), Buffer.from([0xc3, 0x28]), Buffer.from(',\n')]),
    },
    { file: 'agents.csv', line: 3, reason: /not valid UTF-8/ },
  ],
  [
    'a line that is not JSON',
    { ...BASE_DATASET, 'agents.csv': undefined as unknown as string, 'agents.jsonl': '{"agent_id":"A1","name":"Ann"}\n{"agent_id":"A2",\n' },
    { file: 'agents.jsonl', line: 2, reason: /invalid JSON/ },
  ],
  [
    'an unknown JSON field',
    { ...BASE_DATASET, 'agents.csv': undefined as unknown as string, 'agents.jsonl': '{"agent_id":"A1","name":"Ann","region":"eu"}\n' },
    { file: 'agents.jsonl', line: 1, column: 'region', reason: /unknown field region/ },
  ],
  [
    'a JSON value of the wrong type',
    { ...BASE_DATASET, 'agents.csv': undefined as unknown as string, 'agents.jsonl': '{"agent_id":"A1","name":true}\n' },
    { file: 'agents.jsonl', line: 1, column: 'name', reason: /true is not text/ },
  ],
  [
    'a nested JSON value',
    { ...BASE_DATASET, 'agents.csv': undefined as unknown as string, 'agents.jsonl': '{"agent_id":"A1","name":{"first":"Ann"}}\n' },
    { file: 'agents.jsonl', line: 1, reason: /field name is a list or object/ },
  ],
];

const defined = (files: Record<string, string | Buffer>) => Object.fromEntries(Object.entries(files).filter(([, v]) => v !== undefined));

describe('a dataset with a bad record', () => {
  const base = databaseWithBaseDataset();

  it.each(CASES)('fails on %s, naming file, line and reason, and changes nothing', async (_what, files, expected) => {
    const error = await importDataset(base.db.dataSource, folderSource(writeDataset(defined(files)))).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ImportValidationError);
    const problems = (error as ImportValidationError).problems;
    expect(problems).toHaveLength(1);
    const [problem] = problems as ImportProblem[];
    expect({ file: problem.file, line: problem.line, column: problem.column }).toEqual({
      file: expected.file,
      line: expected.line,
      column: expected.column,
    });
    expect(problem.reason).toMatch(expected.reason);
    expect(await snapshot(base.db.dataSource)).toEqual(base.before);
  });

  it('reports many problems at once, up to maxErrors', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => TICKET({ ticket_id: `X${i}`, channel: 'fax' })).join('\n');
    const dir = writeDataset(withLine('tickets.csv', rows));
    const err = (await importDataset(base.db.dataSource, folderSource(dir), { maxErrors: 10 }).catch((e: unknown) => e)) as ImportValidationError;
    expect(err.problems).toHaveLength(10);
    expect(err.truncated).toBe(true);
    expect(err.problems.map((p) => p.line)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    const all = (await importDataset(base.db.dataSource, folderSource(dir)).catch((e: unknown) => e)) as ImportValidationError;
    expect(all.problems).toHaveLength(30);
    expect(all.truncated).toBe(false);
    expect(await snapshot(base.db.dataSource)).toEqual(base.before);
  });

  it('finds a duplicate id in a later batch, naming the first line', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => TICKET({ ticket_id: `B${i}` }));
    rows.push(TICKET({ ticket_id: 'B3' }));
    const err = (await importDataset(base.db.dataSource, folderSource(writeDataset(withLine('tickets.csv', rows.join('\n')))), {
      batchSize: 7,
    }).catch((e: unknown) => e)) as ImportValidationError;
    expect(err.problems).toEqual([
      { file: 'tickets.csv', line: 30, column: 'ticket_id', reason: 'duplicate ticket_id "B3": already on line 8 of this file' },
    ]);
    expect(await snapshot(base.db.dataSource)).toEqual(base.before);
  });

  it.each([
    ['no tickets file', { 'agents.csv': BASE_DATASET['agents.csv'] }, /tickets\.csv.*required file is missing/],
    ['both CSV and JSON Lines of one file', { ...BASE_DATASET, 'agents.jsonl': '{}\n' }, /agents\.jsonl.*both agents\.csv and agents\.jsonl/],
    ['an unknown file', { ...BASE_DATASET, 'ticket.csv': 'x\n' }, /ticket\.csv.*unknown file/],
  ])('refuses a folder with %s', (_what, files, message) => {
    expect(() => folderSource(writeDataset(files))).toThrow(ImportValidationError);
    expect(() => folderSource(writeDataset(files))).toThrow(message);
  });

  it('refuses a folder that does not exist', () => {
    expect(() => folderSource('/nonexistent/dataset')).toThrow(/cannot read the folder/);
  });
});
