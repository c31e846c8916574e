import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** `DIR/local.json`: everything a client needs to use a running local runtime (mode 0600). */
export const LocalJson = z.object({
  url: z.string(),
  auth: z.string(),
  awsEndpoint: z.string(),
  region: z.string(),
  accessKeyId: z.string(),
  secretAccessKey: z.string(),
  bucket: z.string(),
  /** The auth table (keys). */
  table: z.string(),
  /** The jobs table (job records, share links); absent in a local.json of a release before it, where jobs were in `table`. */
  jobsTable: z.string().optional(),
  functionName: z.string().optional(),
  pid: z.number().int().optional(),
});
export type LocalJson = z.infer<typeof LocalJson>;

export const LOCAL_JSON = 'local.json';

/** Reads and checks `DIR/local.json`; undefined when it does not exist, an error when it is malformed. */
export function readLocalJson(dataDir: string): LocalJson | undefined {
  const file = join(dataDir, LOCAL_JSON);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`Expected ${file} to hold JSON`, { cause: error });
  }
  const parsed = LocalJson.safeParse(json);
  if (!parsed.success) throw new Error(`Expected ${file} to hold a local runtime's settings: ${parsed.error.message}`);
  return parsed.data;
}

/** Writes `DIR/local.json` atomically with mode 0600 (it holds secrets). */
export function writeLocalJson(dataDir: string, config: LocalJson): void {
  const file = join(dataDir, LOCAL_JSON);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}
