import { defineCommand } from '../define.js';
import { DbCopyArgs } from './args.js';
import { runDbCopy } from './run.js';

export { DbCopyArgs, MaskRule, SubsetSpec } from './args.js';

/**
 * Copies a PostgreSQL database into another, consistently (one exported snapshot):
 * identical, with columns masked, or a foreign-key-closed subset. Data streams as
 * parallel COPY pipes, indexes are built as each table lands, foreign keys are validated
 * in parallel; progress goes to the job log with every password redacted.
 */
export const dbCopy = defineCommand({
  name: 'db-copy',
  describe: 'Copy a PostgreSQL database: identical, masked, or a subset closed over foreign keys (parallel COPY streams, one snapshot)',
  args: DbCopyArgs,
  // Confined callers name databases only by the environment variables context.reach lets them see.
  confined: true,
  run(args, { log, signal, reach }) {
    return runDbCopy(args, { log: (chunk) => log(chunk), signal, env: reach.env, namedOnly: !reach.unconfined });
  },
});
