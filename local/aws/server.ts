import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthError,
  checkClaimTime,
  queryValue,
  readClaim,
  sha256Hex,
  UNSIGNED_PAYLOAD,
  verifySignature,
  parseQuery,
  safeEqualHex,
  type Credentials,
} from './sigv4.js';
import type { IssuedSession } from './iam/index.js';
import type { Principal } from './iam/principal.js';
import { AwsError, type LocalService, type ServiceName, type ServiceRequest } from './service.js';
import { FAULTS_PATH, MAX_FAULTS_BODY_BYTES, sendAdminJson, serveFaultAdmin, serveWithFaults, type FaultInjector } from './faults/index.js';
import { readHostBucket } from './s3/target.js';
import { closeServer, listenOn } from '../listen.js';
import { createEndpointServer } from './http-server.js';
import { isLazyService } from './lazy-service.js';

export interface EndpointOptions {
  host: string;
  port: number;
  /** Key pairs accepted by the endpoint: the account root's, allowed to do anything. */
  credentials: readonly Credentials[];
  /** Temporary credentials (role sessions) the endpoint also accepts, each evaluated against its role's policies. */
  sessions?: { findSession(accessKeyId: string): IssuedSession | undefined };
  services: readonly LocalService[];
  /** Largest accepted difference between a header signature's time and the clock (AWS: 15 minutes). */
  maxSkewMs?: number;
  /** Where unexpected failures are reported (never to the client). */
  logError?: (message: string, error: unknown) => void;
  /** A server already listening (made with createEndpointServer) to serve on, instead of making one and listening. */
  server?: Server;
  /** The fault layer (`faults/`): off unless configured; its admin route is served at FAULTS_PATH. */
  faults?: FaultInjector;
  /** How long an idle kept-alive connection stays open (default 65 s; only when no `server` is given). */
  keepAliveTimeoutMs?: number;
}

export interface Endpoint {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;

/**
 * Starts the single HTTP port that serves every local AWS service. Each request is routed
 * by the service named in its SigV4 credential scope (Authorization header or presigned
 * query), its signature verified, and then handed to that service.
 */
export async function startEndpoint(options: EndpointOptions): Promise<Endpoint> {
  const keys = new Map(options.credentials.map((c) => [c.accessKeyId, c]));
  const byName = new Map<ServiceName, LocalService>(options.services.map((s) => [s.name, s]));
  const fallback = options.services.find((s) => s.name === 's3') ?? options.services[0];
  if (!fallback) throw new Error('Expected at least one service for the local AWS endpoint');
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const logError = options.logError ?? ((message, error) => console.error(message, error));
  const faults = options.faults;

  const server = options.server ?? createEndpointServer(options.keepAliveTimeoutMs);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void serveRequest(req, res).catch((error: unknown) => {
      logError('local aws: request failed outside its service', error);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('Internal error');
      } else {
        res.destroy();
      }
    });
  });

  function pickUnsignedService(req: IncomingMessage): LocalService {
    return options.services.find((s) => s.name !== 's3' && s.claimsUnsigned(req)) ?? fallback!;
  }

  async function serveRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const rawQuery = q === -1 ? '' : url.slice(q + 1);
    // One object in its final shape (no spreads, no properties added later): this is per request.
    const request: ServiceRequest = {
      method: req.method ?? 'GET',
      rawPath,
      rawQuery,
      query: {},
      headers: req.headers,
      host: (req.headers.host ?? '').toLowerCase(),
      incoming: req,
      body: undefined,
      caller: null,
    };
    if (faults && rawPath === FAULTS_PATH && readHostBucket(request.host) === undefined) {
      await serveAdminRequest(faults, request, res);
      return;
    }
    let service = pickUnsignedService(req);
    try {
      const query = parseQuery(rawQuery);
      request.query = query;
      const claim = readClaim(req.headers, query);
      if (claim === null) {
        if (service.allowsAnonymous(req)) {
          await service.handle(request, res);
          return;
        }
        throw new AuthError('missing', 'Expected a SigV4-signed request (Authorization header or presigned URL)');
      }
      const named = byName.get(claim.service as ServiceName);
      if (!named) {
        throw new AwsError(
          400,
          'InvalidRequest',
          `Expected a credential scope for one of ${[...byName.keys()].join(', ')}, got \`${claim.service}\``,
        );
      }
      service = named;
      let credentials = keys.get(claim.accessKeyId);
      let principal: Principal | null = null;
      if (!credentials) {
        const session = options.sessions?.findSession(claim.accessKeyId);
        if (!session) throw new AuthError('unknown-key', `The access key \`${claim.accessKeyId}\` does not exist in our records`);
        checkSessionToken(session, claim.kind === 'header' ? headerText(req.headers['x-amz-security-token']) : queryValue(query, 'X-Amz-Security-Token'));
        credentials = session.credentials;
        principal = session.principal;
      }
      checkClaimTime(claim, Date.now(), maxSkewMs);
      let payloadHash: string;
      if (claim.kind === 'query') {
        payloadHash = queryValue(query, 'X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD;
      } else if (service.bufferBody) {
        const body = await readBody(req, service.maxBodyBytes);
        request.body = body;
        payloadHash = sha256Hex(body);
      } else {
        const declared = req.headers['x-amz-content-sha256'];
        if (typeof declared !== 'string' || declared === '') {
          throw new AwsError(400, 'InvalidRequest', 'Expected an x-amz-content-sha256 header on a header-signed request');
        }
        payloadHash = declared;
      }
      const signingKey = await verifySignature(claim, request, payloadHash, credentials);
      request.caller = { claim, credentials, signingKey, payloadHash, principal };
      if (faults?.active) {
        // The fault layer asks the service which operation a request is: a lazy one must be loaded for that.
        const chosen = isLazyService(service) ? await service.load() : service;
        await serveWithFaults(faults, chosen, request, res, () => chosen.handle(request, res));
      } else {
        await service.handle(request, res);
      }
    } catch (error) {
      const awsError = toAwsError(service, error);
      if (awsError.status >= 500 && awsError.status !== 501) logError(`local aws ${service.name}: ${request.method} ${rawPath} failed`, error);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const hasUnreadBody =
        !req.complete && (req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0);
      if (!hasUnreadBody) req.resume();
      else {
        // The body was not read (refused before or while reading it): close instead of draining it.
        res.setHeader('connection', 'close');
        res.once('finish', () => req.destroy());
      }
      service.sendError(request, res, awsError);
    }
  }

  /**
   * The fault layer's admin route: signed (header or presigned) with the account root's own
   * key pair, over the whole body; role sessions are refused, whatever their policies say.
   */
  async function serveAdminRequest(injector: FaultInjector, request: ServiceRequest, res: ServerResponse): Promise<void> {
    const req = request.incoming;
    try {
      request.query = parseQuery(request.rawQuery);
      const body = await readBody(req, MAX_FAULTS_BODY_BYTES);
      const claim = readClaim(req.headers, request.query);
      if (claim === null) throw new AuthError('missing', `Expected ${FAULTS_PATH} to be SigV4-signed with the account root's key pair (local.json)`);
      const credentials = keys.get(claim.accessKeyId);
      if (!credentials) {
        sendAdminJson(res, 403, { message: `Expected the account root's key pair (local.json) to sign ${FAULTS_PATH}, got \`${claim.accessKeyId}\`` });
        return;
      }
      checkClaimTime(claim, Date.now(), maxSkewMs);
      await verifySignature(claim, request, adminPayloadHash(claim.kind, request, body), credentials);
      serveFaultAdmin(injector, request.method, body, res);
    } catch (error) {
      if (error instanceof AuthError) sendAdminJson(res, 403, { message: error.message });
      else if (error instanceof AwsError && error.status < 500) sendAdminJson(res, error.status, { message: error.message });
      else throw error;
    }
  }

  const port = options.server ? (options.server.address() as AddressInfo).port : await listenOn(server, options.host, options.port, 'the local AWS endpoint (--aws-port)');
  return {
    server,
    port,
    url: `http://${options.host}:${port}`,
    async close() {
      await closeServer(server);
      await Promise.all(options.services.map((s) => s.close()));
    },
  };
}

/**
 * Checks the session token a request signed with temporary credentials carries
 * (`X-Amz-Security-Token`: a header, which SigV4 signs, or a presigned URL's query
 * parameter). Without one the key is unknown, as on AWS (S3: InvalidAccessKeyId); another
 * session's token is invalid; an ended session's is expired.
 */
function checkSessionToken(session: IssuedSession, token: string | undefined): void {
  const id = session.credentials.accessKeyId;
  if (token === undefined || token === '') {
    throw new AuthError('unknown-key', `The access key \`${id}\` is temporary: expected its session token in X-Amz-Security-Token, got none`);
  }
  if (!safeEqualHex(token, session.sessionToken)) throw new AuthError('invalid-token', `The session token does not belong to \`${id}\``, token);
  if (Date.now() >= session.expiresAtMs) {
    throw new AuthError('expired-token', `The session of \`${id}\` ended at ${new Date(session.expiresAtMs).toISOString()}`, token);
  }
}

/**
 * The payload hash an admin request was signed over: the body's own SHA-256 (what a signer
 * computes; curl --aws-sigv4 and the SDK's signer both do), or UNSIGNED-PAYLOAD when declared so.
 * A declared hash that is not the body's is refused.
 */
function adminPayloadHash(kind: 'header' | 'query', request: ServiceRequest, body: Buffer): string {
  if (kind === 'query') return queryValue(request.query, 'X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD;
  const declared = headerText(request.headers['x-amz-content-sha256']);
  if (declared === UNSIGNED_PAYLOAD) return declared;
  const actual = sha256Hex(body);
  if (declared !== undefined && declared !== actual) {
    throw new AwsError(400, 'XAmzContentSHA256Mismatch', `Expected x-amz-content-sha256 to be the body's SHA-256 ${actual}, got ${declared.slice(0, 80)}`);
  }
  return actual;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

function toAwsError(service: LocalService, error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  if (error instanceof AuthError) return service.authError(error);
  return new AwsError(500, 'InternalError', 'We encountered an internal error. Please try again.', { cause: error });
}

/** Reads a whole request body, refusing one larger than `maxBytes` with 413. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > maxBytes) {
    return Promise.reject(
      new AwsError(413, 'RequestEntityTooLarge', `Expected a request body of at most ${maxBytes} bytes, got ${declared}`),
    );
  }
  // 'data'/'end' listeners rather than `for await`: measurably cheaper per small request. They
  // stay attached once settled (removing them cost more than they do, and a late 'error' keeps a listener).
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: Error) => {
      settled = true;
      chunks.length = 0;
      reject(error);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) fail(new AwsError(413, 'RequestEntityTooLarge', `Expected a request body of at most ${maxBytes} bytes`));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on('error', (error: Error) => {
      if (!settled) fail(error);
    });
    req.on('aborted', () => {
      if (!settled) fail(new AwsError(400, 'IncompleteBody', 'The request body ended before Content-Length bytes came'));
    });
  });
}
