import { z } from 'zod';

/** What one load phase does, per request. */
export const PhaseName = z.enum(['s3-put-1k', 's3-get-1k', 's3-get-1k-role', 's3-put-10m', 's3-get-10m', 's3-range-get', 'ddb-put', 'ddb-get']);
export type PhaseName = z.infer<typeof PhaseName>;

/** Which DynamoDB server a DynamoDB phase talks to. */
export const DynamoDbTarget = z.enum(['ours', 'dynalite']);
export type DynamoDbTarget = z.infer<typeof DynamoDbTarget>;

/** A key pair, with a session token for temporary credentials. */
export const KeyPair = z.object({ accessKeyId: z.string(), secretAccessKey: z.string(), sessionToken: z.string().optional() });
export type KeyPair = z.infer<typeof KeyPair>;

const Server = z.object({
  url: z.string(),
  credentials: KeyPair,
});

/** Coordinator → load process. */
export const Command = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('connect'),
    worker: z.number().int().nonnegative(),
    endpoint: Server,
    /** Temporary credentials of a role session on the endpoint: its requests are evaluated against the role's policies. */
    endpointRole: KeyPair,
    dynalite: Server,
  }),
  /** Creates the bucket and tables (one process only). */
  z.object({ type: z.literal('create') }),
  /** Writes the objects and items the phases about to run read. */
  z.object({ type: z.literal('fill'), phases: z.array(PhaseName) }),
  z.object({
    type: z.literal('run'),
    phase: PhaseName,
    target: DynamoDbTarget,
    concurrency: z.number().int().positive(),
    durationMs: z.number().positive(),
  }),
]);
export type Command = z.infer<typeof Command>;

/** Load process → coordinator: the answer to one command. */
export const Reply = z.object({
  ops: z.number(),
  bytes: z.number(),
  errors: z.number(),
  firstError: z.string().optional(),
  /** The load process's own CPU time during the command, in ms. */
  cpuMs: z.number(),
  elapsedMs: z.number(),
});
export type Reply = z.infer<typeof Reply>;

export const BUCKET = 'bench';
export const TABLE = 'bench';
export const REGION = 'us-east-1';
/** Distinct 1 KB keys / items per load process. */
export const KEYS_PER_WORKER = 200;
export const SMALL_BYTES = 1024;
export const LARGE_BYTES = 10 * 1024 * 1024;
/** The object tailed with presigned Range GETs, and the offset read from. */
export const TAIL_KEY = 'jobs/bench/log';
export const TAIL_BYTES = 64 * 1024;
export const TAIL_FROM = TAIL_BYTES - 1024;
