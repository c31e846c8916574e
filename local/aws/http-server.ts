import { createServer, type Server } from 'node:http';

/** The local endpoint's HTTP server, without a request listener yet (request headers up to 16 KB). */
export function createEndpointServer(): Server {
  return createServer({ maxHeaderSize: 16 * 1024 });
}
