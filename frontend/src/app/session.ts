import { AuthError, ClientError, type AwsExecClient } from '../../../client/index.js';

/** A signed-in page: the client with the key, and how errors are told. */
export interface Session {
  client: AwsExecClient;
  /** A sentence saying what went wrong; a refused key also signs out. */
  describe(error: unknown): string;
}

/** The session of a key; `onRefused` is called when the API refuses it (401). */
export function createSession(client: AwsExecClient, onRefused: () => void): Session {
  return {
    client,
    describe(error) {
      if (error instanceof AuthError) onRefused();
      if (error instanceof ClientError) return error.message;
      return `Unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    },
  };
}
