import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** Temporary credentials as issued and kept: the key pair, its token, its role session and when it ends. */
export const StoredSession = z.strictObject({
  accessKeyId: z.string().regex(/^ASIA[A-Z2-7]{16}$/),
  secretAccessKey: z.string().min(30),
  sessionToken: z.string().min(32),
  expiresAtMs: z.number().int(),
  roleName: z.string(),
  sessionName: z.string(),
});
export type StoredSession = z.infer<typeof StoredSession>;

const SessionsFile = z.strictObject({ sessions: z.array(StoredSession) });

/**
 * How long an expired session is still recognized (and answered with ExpiredToken, as AWS
 * answers a token that carries its own expiry) before it is forgotten (then the access key
 * is unknown: InvalidAccessKeyId / UnrecognizedClientException).
 */
export const EXPIRED_SESSION_RETENTION_MS = 60 * 60 * 1000;

/**
 * The sessions issued by the local IAM, persisted in `DIR/sessions.json` (mode 0600,
 * rewritten whole through a temporary file and a rename) so that credentials a function
 * holds, and presigned URLs made with them, survive a restart of the runtime as on AWS.
 */
export class SessionStore {
  private readonly byKey = new Map<string, StoredSession>();
  private readonly file: string;

  constructor(
    private readonly dir: string,
    private readonly now: () => number,
  ) {
    this.file = join(dir, 'sessions.json');
    for (const session of readSessions(this.file)) this.byKey.set(session.accessKeyId, session);
    this.prune();
  }

  /** The session of a temporary access key id, if it was issued and is not long expired. */
  find(accessKeyId: string): StoredSession | undefined {
    return this.byKey.get(accessKeyId);
  }

  /** Keeps a new session and writes the file. */
  add(session: StoredSession): void {
    this.byKey.set(session.accessKeyId, session);
    this.prune();
    this.save();
  }

  private prune(): void {
    const horizon = this.now() - EXPIRED_SESSION_RETENTION_MS;
    for (const [key, session] of this.byKey) if (session.expiresAtMs < horizon) this.byKey.delete(key);
  }

  private save(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ sessions: [...this.byKey.values()] })}\n`, { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}

function readSessions(file: string): StoredSession[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`Expected ${file} to hold JSON {"sessions": [...]}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = SessionsFile.safeParse(json);
  if (!parsed.success) throw new Error(`Expected ${file} to hold {"sessions": [...]}:\n${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  return parsed.data.sessions;
}
