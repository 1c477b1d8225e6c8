import pino, { type Logger } from 'pino';

/** The process logger: JSON lines on stderr (pino), so stdout stays free for command output. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'deskmetrics' } }, pino.destination(2));
}

export type { Logger };
