import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/** Listens on host:port and resolves with the port; a port in use gets a message that says what to do. */
export async function listenOn(server: Server, host: string, port: number, what: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new Error(`Expected port ${port} on ${host} to be free for ${what}, but it is in use (pass another port; 0 picks a free one)`, { cause: error }));
      } else reject(error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Stops accepting, drops idle and open connections, and resolves once the server is closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Answers a request Node's parser refused: 501 for a method it does not know (RFC 9110
 * §15.6.2: "the server does not recognize the request method", e.g. TRACK), else 400.
 * Either way without a body beyond the status and the connection closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_INVALID_METHOD' ? '501 Not Implemented' : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}
