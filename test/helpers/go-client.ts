// A client of the job API written the way the original Go aws-exec client (exec/exec.go
// of nathants/aws-exec) speaks it: plain HTTP, the `auth` header, every request field sent
// (unset ones as null or ""), GET /api/exec for a presigned log URL or the exit code, and
// `Range: bytes=N-` reads of the log where 200/206 is data, 403/416 nothing yet and any
// other status an error. One liberty: it waits 20-250 ms when nothing is new, where the
// Go client sleeps a fixed second. Hand-written on purpose: it is the wire protocol under
// test, so no SDK may stand in.

/** Where the API is and whose key to use. */
export interface GoClientOptions {
  url: string;
  auth: string;
  /**
   * Attempts per call of start, status and the log read, as the Go client's
   * `lib.RetryAttempts(ctx, 7, ...)` makes them (exec/exec.go: POST retried on network
   * errors and 5xx, GET /api/exec on any non-200, the log GET on any status but
   * 200/206/403/416). Default 1: no retries, so that tests of error answers see them at once.
   */
  attempts?: number;
  /** The fetch to use (default: the global one), e.g. to count requests. */
  fetch?: typeof fetch;
}

/** The Go client's attempts per call: lib.RetryAttempts(ctx, 7, ...) in exec/exec.go. */
export const GO_ATTEMPTS = 7;

/**
 * Runs `attempt` up to `attempts` times, pausing as libaws's RetryAttempts does (avast/retry-go
 * with Delay 150 ms: exponential backoff plus up to 100 ms of random jitter, lib/lib.go).
 */
async function retryAttempts<T>(attempts: number, attempt: () => Promise<T>): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n + 1 >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 150 * 2 ** n + Math.random() * 100));
    }
  }
}

/** A raw answer: the status, the headers and the body as text. */
export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** What following a job to its end gave. */
export interface FollowedJob {
  log: Buffer;
  exit: number;
  /** How many GET /api/exec calls it took. */
  polls: number;
}

/** Options of `followJob`. */
export interface FollowOptions {
  /** The byte offset to start at (range-start). */
  from?: number;
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /** Called with each chunk of new bytes. */
  onData?: (chunk: Buffer) => void;
}

/** The body the Go client posts: every field present, unset ones as null or "". */
export function goExecBody(fields: { argv?: string[]; 'rpc-name'?: string; 'rpc-args'?: string; 'push-urls'?: unknown; timeout?: number }): Record<string, unknown> {
  return { 'push-urls': null, argv: null, 'rpc-name': '', 'rpc-args': '', ...fields };
}

/** A Go-style client of one API and key. */
export interface GoClient {
  /** Sends any request to the API with this key (or another auth header, or none). */
  request(method: string, path: string, init?: { body?: string; auth?: string | null; headers?: Record<string, string> }): Promise<RawAnswer>;
  /** POST /api/exec with the Go client's body; the uid, or an error naming the answer. */
  start(fields: Parameters<typeof goExecBody>[0]): Promise<string>;
  /** GET /api/exec?uid=U&range-start=N, parsed. */
  status(uid: string, rangeStart: number): Promise<{ url?: string; exit?: number }>;
  /** Follows a job to its exit code as the Go client does. */
  follow(uid: string, options?: FollowOptions): Promise<FollowedJob>;
  /** The whole log as it stands (empty while the log object is empty), through the presigned URL. */
  readLog(uid: string): Promise<Buffer>;
  /** The caller's jobs (GET /api/jobs?limit=1000). */
  listJobs(): Promise<{ uid: string; status: string; exit?: number; 'cancel-requested'?: boolean }[]>;
}

/** Builds a Go-style client. */
export function createGoClient(options: GoClientOptions): GoClient {
  const attempts = options.attempts ?? 1;
  const fetchFn = options.fetch ?? fetch;
  const request: GoClient['request'] = async (method, path, init = {}) => {
    // As Go's net/http sends it: its user agent, and no content-type (a string body given
    // to fetch would get `text/plain`; bytes get none).
    const headers: Record<string, string> = { 'user-agent': 'Go-http-client/1.1', ...init.headers };
    const auth = init.auth === undefined ? options.auth : init.auth;
    if (auth !== null) headers.auth = auth;
    const body = init.body === undefined ? {} : { body: new TextEncoder().encode(init.body) };
    const response = await fetchFn(`${options.url}${path}`, { method, headers, ...body });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };

  const status: GoClient['status'] = (uid, rangeStart) =>
    retryAttempts(attempts, async () => {
      const answer = await request('GET', `/api/exec?uid=${encodeURIComponent(uid)}&range-start=${rangeStart}`);
      if (answer.status !== 200) throw new Error(`GET /api/exec answered ${answer.status}: ${answer.text}`);
      return JSON.parse(answer.text) as { url?: string; exit?: number };
    });

  /** One read of the log from `offset`, as the Go client makes it: the bytes, or none for 403/416. */
  const readFrom = (url: string, offset: number) =>
    retryAttempts(attempts, async () => {
      const log = await fetchFn(url, { headers: { range: `bytes=${offset}-` } });
      const bytes = Buffer.from(await log.arrayBuffer());
      if (log.status === 200 || log.status === 206) return bytes;
      if (log.status === 403 || log.status === 416) return undefined;
      throw new Error(`GET of the log answered ${log.status}: ${bytes.toString()}`);
    });

  return {
    request,
    status,
    async start(fields) {
      const answer = await retryAttempts(attempts, async () => {
        const got = await request('POST', '/api/exec', { body: JSON.stringify(goExecBody(fields)) });
        if (got.status >= 500) throw new Error(`POST /api/exec answered ${got.status}: ${got.text}`);
        return got;
      });
      if (answer.status !== 200) throw new Error(`POST /api/exec answered ${answer.status}: ${answer.text}`);
      const uid = (JSON.parse(answer.text) as { uid?: unknown }).uid;
      if (typeof uid !== 'string') throw new Error(`POST /api/exec answered without a uid: ${answer.text}`);
      return uid;
    },
    async follow(uid, followOptions = {}) {
      const chunks: Buffer[] = [];
      let offset = followOptions.from ?? 0;
      let polls = 0;
      let idleMs = 20;
      const timeoutMs = followOptions.timeoutMs ?? 60_000;
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        polls += 1;
        const answer = await status(uid, offset);
        if (answer.exit !== undefined) return { log: Buffer.concat(chunks), exit: answer.exit, polls };
        if (answer.url === undefined) throw new Error(`GET /api/exec answered neither url nor exit: ${JSON.stringify(answer)}`);
        const bytes = await readFrom(answer.url, offset);
        if (bytes !== undefined) {
          // As the Go client: whatever a 200/206 carries is the next bytes of the log.
          chunks.push(bytes);
          offset += bytes.length;
          followOptions.onData?.(bytes);
          if (bytes.length > 0) {
            idleMs = 20;
            continue;
          }
        }
        await new Promise((resolve) => setTimeout(resolve, idleMs));
        idleMs = Math.min(idleMs * 1.5, 250);
      }
      throw new Error(`Expected job ${uid} to finish within ${timeoutMs} ms (read ${offset} bytes)`);
    },
    async readLog(uid) {
      const answer = await status(uid, 0);
      if (answer.url === undefined) throw new Error(`Expected a log url for ${uid}, got ${JSON.stringify(answer)}`);
      const log = await fetchFn(answer.url);
      const bytes = Buffer.from(await log.arrayBuffer());
      if (log.status !== 200) throw new Error(`GET of the log answered ${log.status}: ${bytes.toString()}`);
      return bytes;
    },
    async listJobs() {
      const answer = await request('GET', '/api/jobs?limit=1000');
      if (answer.status !== 200) throw new Error(`GET /api/jobs answered ${answer.status}: ${answer.text}`);
      return (JSON.parse(answer.text) as { jobs: { uid: string; status: string; exit?: number }[] }).jobs;
    },
  };
}
