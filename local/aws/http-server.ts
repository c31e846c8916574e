import { createServer, type Server } from 'node:http';
import { answerClientError } from '../listen.js';

/**
 * The local endpoint's HTTP server, without a request listener yet: request headers up to
 * 16 KB, kept-alive connections closed after `keepAliveTimeoutMs` idle (default 65 s, past the
 * SDK's own idle timeouts), no limit on a request's duration (uploads stream), and a malformed
 * request answered 400 (501 for an unknown method) instead of a dropped connection.
 */
export function createEndpointServer(keepAliveTimeoutMs = 65_000): Server {
  const server = createServer({ maxHeaderSize: 16 * 1024 });
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.headersTimeout = keepAliveTimeoutMs + 5_000;
  server.requestTimeout = 0;
  server.on('clientError', answerClientError);
  return server;
}
