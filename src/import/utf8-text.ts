import { createReadStream } from 'node:fs';

/** Raised when a file is not valid UTF-8; carries the line where the bad bytes start. */
export class InvalidUtf8Error extends Error {
  constructor(readonly line: number) {
    super('the file is not valid UTF-8 text (save it as UTF-8)');
  }
}

function countNewlines(text: string, end = text.length): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Streams a file as text, failing on bytes that are not UTF-8 instead of silently replacing them
 * (a replaced character would load corrupted ids and names). `progress.bytesRead` follows the read position.
 */
export async function* readUtf8Text(path: string, progress: { bytesRead: number } = { bytesRead: 0 }): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  let lines = 1;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      progress.bytesRead = stream.bytesRead;
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        const lossy = new TextDecoder('utf-8').decode(chunk);
        throw new InvalidUtf8Error(lines + countNewlines(lossy, Math.max(0, lossy.indexOf('\uFFFD'))));
      }
      lines += countNewlines(text);
      if (text) yield text;
    }
    try {
      const rest = decoder.decode();
      if (rest) yield rest;
    } catch {
      throw new InvalidUtf8Error(lines);
    }
  } finally {
    stream.destroy();
  }
}
