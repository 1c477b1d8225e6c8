import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_SPECS } from '../../src/import/file-specs';
import { RecordValidator } from '../../src/import/record-validator';

/** Every text column with a length limit, from the file specs that declare them. */
const LIMITED = Object.values(FILE_SPECS).flatMap((spec) =>
  spec.columns.filter((c) => c.maxLength !== undefined).map((c) => [spec.file, c.name, c.maxLength as number] as const),
);

/** The problems one cell raises when validated alone (the record's other required cells are missing: ignored here). */
function problemsOf(file: keyof typeof FILE_SPECS, column: string, value: string): string[] {
  const result = new RecordValidator(FILE_SPECS[file]).validate({ line: 2, values: { [column]: value } });
  return result.ok ? [] : result.problems.filter((p) => p.column === column).map((p) => p.reason);
}

describe('text length limits', () => {
  it('cover the ids and the indexed segment values', () => {
    const limited = new Set(LIMITED.map(([file, column]) => `${file}.${column}`));
    for (const id of [
      'customers.customer_id',
      'agents.agent_id',
      'tickets.ticket_id',
      'messages.message_id',
      'surveys.survey_id',
      'orders.order_id',
    ]) {
      expect(limited).toContain(id);
    }
    for (const segment of ['customers.tier', 'customers.product', 'tickets.product', 'agents.team']) expect(limited).toContain(segment);
  });

  it.each(LIMITED)('%s.%s takes up to %d characters, counted as characters (not UTF-16 units or bytes)', (file, column, max) => {
    // U+1F600 is two UTF-16 units and four UTF-8 bytes.
    expect(problemsOf(file, column, '\u{1F600}'.repeat(max))).toEqual([]);
    expect(problemsOf(file, column, 'x'.repeat(max + 1))).toEqual([`longer than ${max} characters (it has ${max + 1})`]);
  });

  it('are the limits docs/data-contract.md states', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'data-contract.md'), 'utf8');
    const rows = doc.split('\n').filter((line) => /^\s*\|.*\|\s*[\d,]+\s*\|\s*$/.test(line));
    for (const [file, column, max] of LIMITED) {
      const row = rows.find((r) => r.includes(`\`${column}\``));
      expect(`${file}.${column}: ${row?.trim()}`).toMatch(new RegExp(`\\| ${max.toLocaleString('en')} \\|$`));
    }
  });
});
