import { JobAuthName, Uid } from './schemas.js';

/** The S3 keys of one job's three objects (log, exit, size) and their common prefix. */
export interface JobKeys {
  prefix: string;
  log: string;
  exit: string;
  size: string;
}

/**
 * Object keys of a job, the only place they are spelled: `jobs/<auth-name>/<uid>/{log.txt,exit,size}`,
 * byte for byte as the original spells them (backend.go: `fmt.Sprintf("jobs/%s/%s/log.txt", authName, uid)`),
 * so a Go deployment's objects are found whatever its names hold (`/`, spaces, non-ASCII:
 * S3 keys are plain strings; URLs escape them).
 */
export function jobKeys(authName: string, uid: string): JobKeys {
  const name = JobAuthName.safeParse(authName);
  if (!name.success) throw new Error(`${name.error.issues[0]?.message ?? 'Expected a job auth-name'}, got \`${authName}\``);
  const id = Uid.safeParse(uid);
  if (!id.success) throw new Error(`Expected a job uid like \`1700000000.<uuid>\`, got \`${uid}\``);
  const prefix = `jobs/${authName}/${uid}/`;
  return { prefix, log: `${prefix}log.txt`, exit: `${prefix}exit`, size: `${prefix}size` };
}

/** The S3 prefix under which all of one auth-name's jobs live. */
export function authPrefix(authName: string): string {
  return `jobs/${authName}/`;
}
