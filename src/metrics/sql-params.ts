/** Collects positional parameters while SQL is assembled, so every user-supplied value travels as a parameter. */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Adds a value and returns its placeholder ($n). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
