import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { LocalService, ServiceRequest } from '../service.js';
import type { AwsError } from '../service.js';
import { authorizeS3 } from './authorize.js';
import type { S3Context } from './context.js';
import { finalErrorCode, S3Error } from './errors.js';
import { createRequestId, header } from './http.js';
import { applyCors } from './ops/cors.js';
import { startLifecycleSweeper, type LifecycleSweepResult } from './lifecycle/sweep.js';
import { selectRoute } from './router.js';
import { ObjectStore } from './store/index.js';
import { readTarget, tryReadTarget } from './target.js';
import { S3_TRAITS } from './traits.js';
import { escapeXml } from './xml.js';

/** Where the S3 service keeps its state, and its limits. */
export interface S3ServiceOptions {
  dataDir: string;
  region: string;
  /** A request body that sends nothing for this long fails with 400 RequestTimeout (default 30 s). */
  bodyIdleTimeoutMs?: number;
  /** Smallest size of every part but the last of a multipart upload (default 5 MiB, as S3). */
  minPartBytes?: number;
  /** The clock (epoch ms) for object times and lifecycle expiry (default Date.now; tests move it). */
  now?: () => number;
  /** How often the lifecycle rules are applied in the background, besides once at start (default 60 s). */
  lifecycleSweepIntervalMs?: number;
  /** Where background failures (the lifecycle sweep) are reported. */
  logError?: (message: string, error: unknown) => void;
}

/** The S3 service, with a hook to apply the buckets' lifecycle rules on demand. */
export interface S3Service extends LocalService {
  /** Deletes the objects and aborts the uploads whose lifecycle expiry is due now (after a running sweep). */
  sweepLifecycle(): Promise<LifecycleSweepResult>;
}

export type { LifecycleSweepResult } from './lifecycle/sweep.js';

const REQUEST_ID = 'x-amz-request-id';

/** Creates the S3 service, persisted under `dataDir` (metadata in SQLite, bodies in files). */
export async function createS3Service(options: S3ServiceOptions): Promise<S3Service> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const store = ObjectStore.open(options.dataDir);
  const ctx: S3Context = {
    store,
    region: options.region,
    ownerId: createHash('sha256').update('aws-exec local S3 owner').digest('hex'),
    bodyIdleTimeoutMs: options.bodyIdleTimeoutMs ?? 30_000,
    minPartBytes: options.minPartBytes ?? 5 * 1024 * 1024,
    now: options.now ?? Date.now,
  };
  // Like S3, an expired object is served until the sweep removes it (S3: "There might be a
  // delay between the expiration date and the date at which Amazon S3 removes an object").
  const sweeper = startLifecycleSweeper(store, {
    intervalMs: options.lifecycleSweepIntervalMs ?? 60_000,
    now: ctx.now,
    logError: options.logError ?? ((message, error) => console.error(message, error)),
  });
  let closing: Promise<void> | undefined;

  return {
    ...S3_TRAITS,
    operationOf(request) {
      try {
        const target = readTarget(request.host, request.rawPath);
        return selectRoute(request.method, target, request.query, request.headers['x-amz-copy-source'] !== undefined).name;
      } catch {
        return 'Unknown';
      }
    },
    async handle(request: ServiceRequest, res: ServerResponse) {
      const requestId = createRequestId();
      res.setHeader(REQUEST_ID, requestId);
      res.setHeader('x-amz-id-2', requestId);
      const target = readTarget(request.host, request.rawPath);
      applyCors(store, target.bucket, request.method, request.headers, res);
      const route = selectRoute(request.method, target, request.query, request.headers['x-amz-copy-source'] !== undefined);
      const principal = request.caller?.principal;
      if (principal) authorizeS3(store, principal, route.name, target, request);
      if (!route.readsBody) request.incoming.resume();
      await route.run(ctx, { req: request, res, target });
    },
    sendError(request, res, error) {
      sendS3Error(store, request, res, error);
    },
    sweepLifecycle: () => sweeper.sweepNow(),
    close() {
      closing ??= (async () => {
        await sweeper.stop();
        store.close();
      })();
      return closing;
    },
  };
}

/** Renders an error as S3 does: XML `<Error>` with Code, Message, the S3 details, Resource and RequestId; no body for HEAD. */
function sendS3Error(
  store: ObjectStore,
  request: Pick<ServiceRequest, 'method' | 'headers' | 'rawPath' | 'host'>,
  res: ServerResponse,
  error: AwsError,
): void {
  const requestId = String(res.getHeader(REQUEST_ID) ?? createRequestId());
  const target = tryReadTarget(request.host, request.rawPath);
  if (target) applyCors(store, target.bucket, request.method, request.headers, res);
  const code = finalErrorCode(error, header(request.headers, 'authorization') !== undefined);
  const details = error instanceof S3Error ? error.details : {};
  const resource = target ? `/${target.bucket}${target.key === '' ? '' : `/${target.key}`}` : request.rawPath;
  const extra = Object.entries(details)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(error.message)}</Message>${extra}` +
    `<Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`;
  const body = request.method === 'HEAD' ? undefined : Buffer.from(xml, 'utf8');
  res.writeHead(error.status, {
    ...(error instanceof S3Error ? error.headers : {}),
    [REQUEST_ID]: requestId,
    'x-amz-id-2': requestId,
    'content-type': 'application/xml',
    ...(body ? { 'content-length': body.length } : {}),
  });
  res.end(body);
}
