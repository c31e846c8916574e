import { abortReason } from './abort.js';
import { ProtocolError, StorageError } from './errors.js';
import type { FetchFunction, RetryPolicy } from './options.js';
import { discardBody, fetchWithRetry } from './retry.js';

/** How the client reaches presigned object URLs. */
export interface ObjectReader {
  fetch: FetchFunction;
  retry: RetryPolicy;
  signal?: AbortSignal;
}

/** Statuses that mean "the object (or the range) is not there yet". */
const NOT_YET = new Set([403, 404, 416]);

/**
 * Reads the log from `offset` with `Range: bytes=N-`. Returns the new bytes (empty when
 * there are none yet). A 200 is the whole object from 0 (a server that ignores Range),
 * so the bytes before `offset` are dropped; a 206 is placed by its Content-Range.
 * With `overlap` the read starts one byte early (`bytes=N-1-`, or no Range at offset 0),
 * so that "nothing new" is a 206 (or 200) of the byte already read rather than a 416.
 */
export async function readLogFrom(reader: ObjectReader, url: string, offset: number, overlap = false): Promise<Uint8Array> {
  const from = overlap ? offset - 1 : offset;
  const response = await fetchObject(reader, url, from < 0 ? {} : { Range: `bytes=${from}-` }, 'the log');
  if (response === undefined) return new Uint8Array(0);
  const bytes = await readBytes(response, reader.signal);
  if (response.status === 200) return bytes.length > offset ? bytes.subarray(offset) : new Uint8Array(0);
  // A browser hides Content-Range from a cross-origin read unless the bucket's CORS exposes it: the range asked for is then the one given.
  const start = parseContentRangeStart(response.headers.get('content-range')) ?? from;
  if (start > offset) {
    throw new ProtocolError(`Expected the log's bytes from ${offset}, got a range starting at ${start}`);
  }
  return bytes.subarray(offset - start);
}

/** Reads a small object holding a decimal integer (size or exit); undefined while it does not exist. */
export async function readIntegerObject(reader: ObjectReader, url: string, what: 'size' | 'exit'): Promise<number | undefined> {
  const response = await fetchObject(reader, url, {}, `the ${what} object`);
  if (response === undefined) return undefined;
  const text = new TextDecoder().decode(await readBytes(response, reader.signal)).trim();
  if (!/^-?\d{1,15}$/.test(text)) throw new ProtocolError(`Expected the ${what} object to hold a decimal integer, got \`${text.slice(0, 40)}\``);
  return Number(text);
}

/** The start of `bytes a-b/total`, or undefined when absent or malformed. */
export function parseContentRangeStart(header: string | null): number | undefined {
  const match = header === null ? null : /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(header.trim());
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** A presigned URL without its query (the signature), fit for an error message. */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : `${url.slice(0, query)}?…`;
}

/** GETs an object; undefined for 403/404/416, the answer for 2xx, a StorageError otherwise. */
async function fetchObject(
  reader: ObjectReader,
  url: string,
  headers: Record<string, string>,
  what: string,
): Promise<Response | undefined> {
  const response = await fetchWithRetry(reader.fetch, url, { headers, signal: reader.signal }, reader.retry, `${what} at ${redactUrl(url)}`);
  if (response.ok) return response;
  await discardBody(response);
  if (NOT_YET.has(response.status)) return undefined;
  throw new StorageError(response.status, `Could not read ${what} at ${redactUrl(url)}: HTTP ${response.status}`);
}

/** Reads a body as bytes; an abort while reading rejects with the abort reason. */
async function readBytes(response: Response, signal: AbortSignal | undefined): Promise<Uint8Array> {
  try {
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    if (signal?.aborted) throw abortReason(signal);
    throw new StorageError(response.status, `Could not read an object body: ${String((error as Error)?.message ?? error)}`, { cause: error });
  }
}
