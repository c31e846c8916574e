import { resolve } from 'node:path';

// Kept apart from config.ts (and its zod schemas) because `serve --aws-only` resolves the data
// directory without loading the rest of the CLI (see main.ts).

/** Where the local runtime keeps its state when nothing else says (relative to the working directory). */
export const DEFAULT_DATA_DIR = '.aws-exec';

/** The data directory to use: `--data-dir`, else AWS_EXEC_DATA_DIR, else ./.aws-exec. */
export function resolveDataDir(inputs: { env: { AWS_EXEC_DATA_DIR?: string }; cwd: string; dataDir?: string }): string {
  const fromEnv = inputs.env.AWS_EXEC_DATA_DIR?.trim();
  return resolve(inputs.cwd, inputs.dataDir ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv) ?? DEFAULT_DATA_DIR);
}
