import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The file a service keeps in its data directory while it has background work to do without
 * requests (the S3 lifecycle sweep, the DynamoDB TTL sweep): the endpoint then loads it at
 * start instead of on its first request. Written before the state that needs it is committed
 * and removed after the last such state is gone, so a crash can only leave a marker too many
 * (the service loads, finds nothing to sweep, and removes it).
 */
export const START_MARKER = 'start-at-once';

/** Creates or removes a service's start marker (in its data directory, which must exist). */
export function setStartMarker(serviceDir: string, needed: boolean): void {
  const file = join(serviceDir, START_MARKER);
  if (needed) {
    if (!existsSync(file)) writeFileSync(file, 'This service has background work: the local AWS endpoint starts it at once.\n', { mode: 0o600 });
  } else {
    rmSync(file, { force: true });
  }
}

/** The services (subdirectories of the endpoint's data directory) whose start marker is set. */
export function listMarkedServices(dataDir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dataDir);
  } catch {
    return [];
  }
  return entries.filter((name) => existsSync(join(dataDir, name, START_MARKER)));
}
