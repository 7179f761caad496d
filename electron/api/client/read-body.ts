import type { Dispatcher } from 'undici';

/** Error bodies and non-streamed answers larger than this are cut: nothing legitimate is bigger. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * The body as text, at most `maxBytes` (the rest is dropped and the socket closed). Read with
 * plain 'data' events rather than an async iterator: this runs on every call, and the iterator
 * allocates a promise per chunk. `chunks` keeps what arrived, for a body that breaks midway.
 */
export function readCapped(body: Dispatcher.ResponseData['body'], maxBytes: number, chunks: Buffer[] = []): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let size = 0;
    // Stays attached: destroying the body below emits an error, and a late one must not throw.
    body.on('error', reject);
    const finish = (): void => {
      body.off('data', onData);
      body.off('end', finish);
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        finish();
        body.destroy();
        return;
      }
      chunks.push(chunk);
    };
    body.on('data', onData);
    body.on('end', finish);
  });
}
