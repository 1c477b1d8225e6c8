import { mergePages } from '../../src/sync/sync-engine';
import type { SyncPage } from '../../src/sync/source-connector';

// Pages written in one transaction: the later page's version of a ticket wins, deletions included.
const page = (tickets: string[], deleted: string[] = [], extra: Partial<SyncPage> = {}): SyncPage => ({
  records: { tickets: tickets.map((id) => ({ ticket_id: id, channel: 'email' })) },
  deletedTickets: deleted,
  cursor: { after: tickets.join('') },
  cursorTime: null,
  done: false,
  read: tickets.length + deleted.length,
  ...extra,
});

describe('mergePages', () => {
  it('deletes a ticket updated on one page and deleted on a later one, and keeps one restored after its deletion', () => {
    const merged = mergePages([page(['1', '2']), page(['3'], ['2', '4']), page(['4'], [], { done: true, cursorTime: new Date(5000) })]);
    expect(merged.records.tickets!.map((t) => t.ticket_id)).toEqual(['1', '3', '4']);
    expect(merged.deletedTickets).toEqual(['2']);
    expect(merged).toMatchObject({ cursor: { after: '4' }, cursorTime: new Date(5000), done: true, read: 6 });
  });
});
