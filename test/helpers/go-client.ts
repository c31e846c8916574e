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
  const request: GoClient['request'] = async (method, path, init = {}) => {
    // As Go's net/http sends it: its user agent, and no content-type (a string body given
    // to fetch would get `text/plain`; bytes get none).
    const headers: Record<string, string> = { 'user-agent': 'Go-http-client/1.1', ...init.headers };
    const auth = init.auth === undefined ? options.auth : init.auth;
    if (auth !== null) headers.auth = auth;
    const body = init.body === undefined ? {} : { body: new TextEncoder().encode(init.body) };
    const response = await fetch(`${options.url}${path}`, { method, headers, ...body });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };

  const status: GoClient['status'] = async (uid, rangeStart) => {
    const answer = await request('GET', `/api/exec?uid=${encodeURIComponent(uid)}&range-start=${rangeStart}`);
    if (answer.status !== 200) throw new Error(`GET /api/exec answered ${answer.status}: ${answer.text}`);
    return JSON.parse(answer.text) as { url?: string; exit?: number };
  };

  return {
    request,
    status,
    async start(fields) {
      const answer = await request('POST', '/api/exec', { body: JSON.stringify(goExecBody(fields)) });
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
        const log = await fetch(answer.url, { headers: { range: `bytes=${offset}-` } });
        const bytes = Buffer.from(await log.arrayBuffer());
        if (log.status === 200 || log.status === 206) {
          // As the Go client: whatever a 200/206 carries is the next bytes of the log.
          chunks.push(bytes);
          offset += bytes.length;
          followOptions.onData?.(bytes);
          if (bytes.length > 0) {
            idleMs = 20;
            continue;
          }
        } else if (log.status !== 403 && log.status !== 416) {
          throw new Error(`GET of the log answered ${log.status}: ${bytes.toString()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, idleMs));
        idleMs = Math.min(idleMs * 1.5, 250);
      }
      throw new Error(`Expected job ${uid} to finish within ${timeoutMs} ms (read ${offset} bytes)`);
    },
    async readLog(uid) {
      const answer = await status(uid, 0);
      if (answer.url === undefined) throw new Error(`Expected a log url for ${uid}, got ${JSON.stringify(answer)}`);
      const log = await fetch(answer.url);
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
