import type { JobKeys, PushUrls } from '../../protocol/index.js';
import type { LogObjects } from '../jobs/objects.js';

/** Where a job's three objects go: the bucket, or the caller's presigned PUT URLs. */
export interface LogSink {
  /** Replaces the log object with these bytes. */
  putLog(body: Uint8Array<ArrayBuffer>): Promise<void>;
  /**
   * Where the sink can (the bucket), replaces the log object with its first `keptBytes` bytes
   * and then `rest`, without sending the kept bytes again (LogObjects.extendObject).
   */
  extendLog?(keptBytes: number, rest: Uint8Array<ArrayBuffer>): Promise<void>;
  /** Writes the exit code (decimal), once. */
  putExit(text: string): Promise<void>;
  /** Writes the final log's byte length (decimal), once and last. */
  putSize(text: string): Promise<void>;
}

/** Ships to the project's bucket under the job's keys, through writers opened once for the job's duration. */
export async function createBucketSink(objects: LogObjects, keys: JobKeys, expiresInSeconds: number): Promise<LogSink> {
  const [putLog, putExit, putSize] = await Promise.all([
    objects.openWriter(keys.log, expiresInSeconds),
    objects.openWriter(keys.exit, expiresInSeconds),
    objects.openWriter(keys.size, expiresInSeconds),
  ]);
  return { putLog, putExit, putSize, extendLog: (keptBytes, rest) => objects.extendObject(keys.log, keptBytes, rest) };
}

const PUSH_TIMEOUT_MS = 60_000;

/** Ships with plain HTTP PUTs (with content-length) to caller-owned presigned URLs. */
export function createPushSink(fetchFn: typeof fetch, urls: PushUrls): LogSink {
  const put = async (url: string, body: Uint8Array<ArrayBuffer> | string) => {
    const response = await fetchFn(url, { method: 'PUT', body, signal: AbortSignal.timeout(PUSH_TIMEOUT_MS) });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`Expected 2xx from the push URL's PUT, got ${response.status} ${response.statusText}`);
  };
  return {
    putLog: (body) => put(urls.log, body),
    putExit: (text) => put(urls.exit, text),
    putSize: (text) => put(urls.size, text),
  };
}
