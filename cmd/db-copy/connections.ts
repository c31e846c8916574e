import pg from 'pg';
import type { Endpoint } from './endpoint.js';
import { DbCopyError, messageOf } from './errors.js';
import type { Redactor } from './redact.js';

/** A connected client and the server process serving it (for pg_cancel_backend). */
export interface Connection {
  client: pg.Client;
  endpoint: Endpoint;
  pid: number;
}

/**
 * Every connection a copy opens, so that a cancel or a failure can stop them all:
 * their running queries are cancelled on the server, then their sockets closed.
 */
export class ConnectionSet {
  private readonly open = new Set<Connection>();
  /** The first error a connection reported outside a query (server gone, socket reset). */
  brokenBy: Error | undefined;

  constructor(private readonly redact: Redactor) {}

  /** Opens a connection; a failure says which database (password redacted) and why. */
  async connect(endpoint: Endpoint, purpose: string): Promise<Connection> {
    const client = new pg.Client({ connectionString: endpoint.url, application_name: `db-copy ${purpose}`.slice(0, 63), connectionTimeoutMillis: 15_000 });
    client.on('error', (error) => {
      this.brokenBy ??= error;
    });
    try {
      await client.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const connection = { client, endpoint, pid: rows[0]?.pid ?? 0 };
      this.open.add(connection);
      return connection;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw new DbCopyError(this.redact(`Could not connect to the ${endpoint.role} ${endpoint.display}: ${messageOf(error)}`), { cause: error });
    }
  }

  /** Closes one connection cleanly. */
  async close(connection: Connection): Promise<void> {
    this.open.delete(connection);
    await connection.client.end().catch(() => undefined);
  }

  /** Cancels every running query on the servers (from fresh connections), then drops every socket. */
  async abortAll(): Promise<void> {
    const connections = [...this.open];
    this.open.clear();
    const byServer = new Map<string, { endpoint: Endpoint; pids: number[] }>();
    for (const { endpoint, pid } of connections) {
      const entry = byServer.get(endpoint.url) ?? { endpoint, pids: [] };
      entry.pids.push(pid);
      byServer.set(endpoint.url, entry);
    }
    await Promise.all(
      [...byServer.values()].map(async ({ endpoint, pids }) => {
        const client = new pg.Client({ connectionString: endpoint.url, application_name: 'db-copy cancel', connectionTimeoutMillis: 5_000 });
        client.on('error', () => undefined);
        try {
          await client.connect();
          await client.query('SELECT pg_cancel_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
        } catch {
          // The sockets are dropped below either way; the server then ends those backends.
        } finally {
          await client.end().catch(() => undefined);
        }
      }),
    );
    for (const { client } of connections) {
      (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      client.end().catch(() => undefined);
    }
  }

  /** Closes whatever is still open. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.open].map((connection) => this.close(connection)));
  }
}
