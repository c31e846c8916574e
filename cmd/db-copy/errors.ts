/** A db-copy failure whose message is safe to print: connection URLs in it are already redacted. */
export class DbCopyError extends Error {
  override readonly name = 'DbCopyError';
}

/** Thrown when the job's signal fired; the copy stopped, the target stays marked incomplete. */
export class DbCopyCancelled extends DbCopyError {}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
