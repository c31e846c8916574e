import { AuthName, Uid } from './schemas.js';

/** The S3 keys of one job's three objects (log, exit, size) and their common prefix. */
export interface JobKeys {
  prefix: string;
  log: string;
  exit: string;
  size: string;
}

/** Object keys of a job, the only place they are spelled: `jobs/<auth-name>/<uid>/{log.txt,exit,size}`. */
export function jobKeys(authName: string, uid: string): JobKeys {
  const name = AuthName.safeParse(authName);
  if (!name.success) throw new Error(`Expected an auth name of 1-64 letters, digits, '.', '_' or '-', got \`${authName}\``);
  const id = Uid.safeParse(uid);
  if (!id.success) throw new Error(`Expected a job uid like \`1700000000.<uuid>\`, got \`${uid}\``);
  const prefix = `jobs/${authName}/${uid}/`;
  return { prefix, log: `${prefix}log.txt`, exit: `${prefix}exit`, size: `${prefix}size` };
}

/** The S3 prefix under which all of one auth name's jobs live. */
export function authPrefix(authName: string): string {
  return `jobs/${authName}/`;
}
