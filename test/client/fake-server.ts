// A fake aws-exec on 127.0.0.1 for the client's unit tests: one node:http server that
// plays both the API and the S3 bucket (presigned-looking URLs under /s3/), with knobs
// for the failures the client must survive. Jobs are driven by the test.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ExecRequest } from '../../protocol/index.js';

export interface FakeJob {
  uid: string;
  request: ExecRequest;
  log: Uint8Array;
  logExists: boolean;
  exit?: number;
  sizeWritten: boolean;
  cancelRequested: boolean;
}

export interface Knobs {
  /** What `GET /api/exec` hands out: every URL + expiry, `{url}` only (the original), or URLs carrying X-Amz-Date/X-Amz-Expires. */
  mode: 'full' | 'original' | 'amz';
  /** Lifetime of issued URLs; the bucket answers 403 once they are past it. */
  urlTtlMs: number;
  /** The next N API requests get 503. */
  failApi: number;
  /** The next N bucket requests get 500. */
  failBucket: number;
  /** The next N requests (any) have their connection destroyed. */
  dropConnections: number;
  /** Status of a missing object (S3 says 403 without ListBucket). */
  missingStatus: 403 | 404;
  /** The bucket answers 200 with the whole object, ignoring Range. */
  ignoreRange: boolean;
  /** Every answer waits this long first. */
  delayMs: number;
  /** Status and message of the next POST /api/exec, instead of starting a job. */
  refuseStart?: { status: number; error: string };
  /** POST /api/exec answers the URLs and expiry beside the uid, as our server does. */
  urlsOnPost: boolean;
}

export interface Counters {
  apiPost: number;
  apiStatus: number;
  apiOther: number;
  bucketLog: number;
  bucketSize: number;
  bucketExit: number;
  expiredRefusals: number;
  ranges: string[];
  /** The status of every bucket answer, in order. */
  bucketStatuses: number[];
}

export interface FakeServer {
  url: string;
  auth: string;
  knobs: Knobs;
  counters: Counters;
  jobs: Map<string, FakeJob>;
  /** Called after a POST started a job (drive it from here). */
  onStart: (job: FakeJob) => void;
  /** Adds a job without a POST. */
  addJob(request?: ExecRequest): FakeJob;
  append(uid: string, bytes: Uint8Array | string): void;
  /** Writes exit, then size (last), as the backend does. */
  finish(uid: string, code: number): void;
  /** Signs a bucket URL for a job's object, as the API would hand out. */
  signUrl(uid: string, object: 'log' | 'size' | 'exit', ttlMs?: number): string;
  close(): Promise<void>;
}

export async function startFakeServer(overrides: Partial<Knobs> = {}): Promise<FakeServer> {
  const knobs: Knobs = {
    mode: 'full',
    urlTtlMs: 15 * 60_000,
    failApi: 0,
    failBucket: 0,
    dropConnections: 0,
    missingStatus: 403,
    ignoreRange: false,
    delayMs: 0,
    urlsOnPost: false,
    ...overrides,
  };
  const counters: Counters = { apiPost: 0, apiStatus: 0, apiOther: 0, bucketLog: 0, bucketSize: 0, bucketExit: 0, expiredRefusals: 0, ranges: [], bucketStatuses: [] };
  const jobs = new Map<string, FakeJob>();
  const sockets = new Set<Socket>();
  let base = '';

  const fake: FakeServer = {
    url: '',
    auth: 'test-key',
    knobs,
    counters,
    jobs,
    onStart: () => {},
    addJob(request = { argv: ['true'] }) {
      const uid = `${Math.floor(Date.now() / 1000)}.${randomUUID()}`;
      const job: FakeJob = { uid, request, log: new Uint8Array(0), logExists: false, sizeWritten: false, cancelRequested: false };
      jobs.set(uid, job);
      return job;
    },
    append(uid, bytes) {
      const job = mustGet(uid);
      const more = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
      const next = new Uint8Array(job.log.length + more.length);
      next.set(job.log);
      next.set(more, job.log.length);
      job.log = next;
      job.logExists = true;
    },
    finish(uid, code) {
      const job = mustGet(uid);
      job.logExists = true;
      job.exit = code;
      job.sizeWritten = true;
    },
    signUrl(uid, object, ttlMs = knobs.urlTtlMs) {
      const expires = Date.now() + ttlMs;
      if (knobs.mode === 'amz') {
        const date = new Date(Date.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
        const seconds = Math.max(1, Math.round(ttlMs / 1000));
        return `${base}/s3/${uid}/${object}?X-Amz-Date=${date}&X-Amz-Expires=${seconds}&X-Amz-Signature=abc`;
      }
      return `${base}/s3/${uid}/${object}?expires=${expires}&sig=abc`;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  function mustGet(uid: string): FakeJob {
    const job = jobs.get(uid);
    if (job === undefined) throw new Error(`no job ${uid}`);
    return job;
  }

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      response.statusCode = 500;
      response.end(JSON.stringify({ error: String(error) }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', base);
    const body = await readBody(request);
    if (knobs.dropConnections > 0) {
      knobs.dropConnections--;
      request.socket.destroy();
      return;
    }
    if (knobs.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, knobs.delayMs));
    if (url.pathname.startsWith('/s3/')) return serveBucket(url, request, response);
    if (knobs.failApi > 0) {
      knobs.failApi--;
      return sendJson(response, 503, { error: 'Service Unavailable' });
    }
    if (request.headers.auth !== fake.auth) return sendJson(response, 401, { error: 'Unauthorized' });
    if (url.pathname === '/api/exec' && request.method === 'POST') return startJob(body, response);
    if (url.pathname === '/api/exec' && request.method === 'GET') return answerStatus(url, response);
    counters.apiOther++;
    if (url.pathname === '/api/exec' && request.method === 'DELETE') {
      const job = jobs.get(url.searchParams.get('uid') ?? '');
      if (job === undefined) return sendJson(response, 404, { error: 'No such job' });
      const exited = job.sizeWritten;
      job.cancelRequested = true;
      return sendJson(response, 200, { uid: job.uid, status: exited ? 'already-exited' : 'cancelling' });
    }
    if (url.pathname === '/api/jobs') {
      const limit = Number(url.searchParams.get('limit') ?? 50);
      return sendJson(response, 200, { jobs: [...jobs.values()].slice(0, limit).map(summarizeJob) });
    }
    if (url.pathname === '/api/job') {
      const job = jobs.get(url.searchParams.get('uid') ?? '');
      return job ? sendJson(response, 200, summarizeJob(job)) : sendJson(response, 404, { error: 'No job with uid' });
    }
    if (url.pathname === '/api/commands') {
      return sendJson(response, 200, { commands: [{ name: 'listdir', describe: 'Lists a directory', args: { type: 'object' } }] });
    }
    return sendJson(response, 404, { error: `No route ${request.method} ${url.pathname}` });
  }

  function startJob(body: string, response: ServerResponse): void {
    counters.apiPost++;
    if (knobs.refuseStart !== undefined) {
      const { status, error } = knobs.refuseStart;
      knobs.refuseStart = undefined;
      return sendJson(response, status, { error });
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return sendJson(response, 400, { error: 'Expected a JSON body' });
    }
    const parsed = ExecRequest.safeParse(json);
    if (!parsed.success) return sendJson(response, 400, { error: parsed.error.issues[0]?.message ?? 'bad' });
    const job = fake.addJob(parsed.data);
    const urls = knobs.urlsOnPost
      ? { url: fake.signUrl(job.uid, 'log'), 'size-url': fake.signUrl(job.uid, 'size'), 'exit-url': fake.signUrl(job.uid, 'exit'), 'expires-at': Date.now() + knobs.urlTtlMs }
      : {};
    sendJson(response, 200, { uid: job.uid, ...urls });
    fake.onStart(job);
  }

  function answerStatus(url: URL, response: ServerResponse): void {
    counters.apiStatus++;
    const job = jobs.get(url.searchParams.get('uid') ?? '');
    if (job === undefined) return sendJson(response, 404, { error: 'No such job' });
    const start = Number(url.searchParams.get('range-start') ?? 0);
    if (job.sizeWritten && start === job.log.length) return sendJson(response, 200, { exit: job.exit });
    const log = fake.signUrl(job.uid, 'log');
    if (knobs.mode === 'original') return sendJson(response, 200, { url: log });
    const urls = { url: log, 'size-url': fake.signUrl(job.uid, 'size'), 'exit-url': fake.signUrl(job.uid, 'exit') };
    if (knobs.mode === 'amz') return sendJson(response, 200, urls);
    sendJson(response, 200, { ...urls, 'expires-at': Date.now() + knobs.urlTtlMs });
  }

  function serveBucket(url: URL, request: IncomingMessage, response: ServerResponse): void {
    const [, , uid = '', object = ''] = url.pathname.split('/');
    response.on('finish', () => counters.bucketStatuses.push(response.statusCode));
    if (knobs.failBucket > 0) {
      knobs.failBucket--;
      response.statusCode = 500;
      response.end('<Error><Code>InternalError</Code></Error>');
      return;
    }
    if (isExpired(url)) {
      counters.expiredRefusals++;
      response.statusCode = 403;
      response.end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
      return;
    }
    const job = jobs.get(uid);
    const missing = () => {
      response.statusCode = knobs.missingStatus;
      response.end('<Error><Code>NoSuchKey</Code></Error>');
    };
    if (object === 'size') {
      counters.bucketSize++;
      if (job === undefined || !job.sizeWritten) return missing();
      response.end(String(job.log.length));
      return;
    }
    if (object === 'exit') {
      counters.bucketExit++;
      if (job === undefined || job.exit === undefined) return missing();
      response.end(String(job.exit));
      return;
    }
    counters.bucketLog++;
    if (job === undefined || !job.logExists) return missing();
    const range = request.headers.range ?? '';
    counters.ranges.push(range);
    const match = /^bytes=(\d+)-$/.exec(range);
    if (knobs.ignoreRange || match === null) {
      response.statusCode = 200;
      response.end(job.log);
      return;
    }
    const start = Number(match[1]);
    if (start >= job.log.length) {
      response.statusCode = 416;
      response.setHeader('content-range', `bytes */${job.log.length}`);
      response.end();
      return;
    }
    response.statusCode = 206;
    response.setHeader('content-range', `bytes ${start}-${job.log.length - 1}/${job.log.length}`);
    response.end(job.log.subarray(start));
  }

  function isExpired(url: URL): boolean {
    const expires = url.searchParams.get('expires');
    if (expires !== null) return Date.now() >= Number(expires);
    const date = url.searchParams.get('X-Amz-Date');
    const seconds = url.searchParams.get('X-Amz-Expires');
    if (date === null || seconds === null) return false;
    const iso = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`;
    return Date.now() >= Date.parse(iso) + Number(seconds) * 1000;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.url = base;
  return fake;
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(value));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Feeds a job step by step: strings/bytes are appended, numbers are pauses in ms; ends with `finish(code)`. */
export async function playJob(server: FakeServer, uid: string, steps: (string | Uint8Array | number)[], code: number): Promise<void> {
  for (const step of steps) {
    if (typeof step === 'number') await new Promise((resolve) => setTimeout(resolve, step));
    else server.append(uid, step);
  }
  server.finish(uid, code);
}

/** A job as `GET /api/jobs` and `GET /api/job` show it. */
function summarizeJob(job: FakeJob) {
  return {
    uid: job.uid,
    status: job.sizeWritten ? 'exited' : 'running',
    argv: job.request.argv,
    'started-at': Number(job.uid.split('.')[0]) * 1000,
    ...(job.exit === undefined ? {} : { exit: job.exit }),
  };
}
