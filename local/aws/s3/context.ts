import type { ServerResponse } from 'node:http';
import type { ServiceRequest } from '../service.js';
import type { ObjectStore } from './store/index.js';
import type { Target } from './target.js';

/** Settings and state shared by every S3 operation. */
export interface S3Context {
  store: ObjectStore;
  region: string;
  /** The canonical user id shown as Owner/Initiator. */
  ownerId: string;
  /** A request body that sends nothing for this long fails with RequestTimeout. */
  bodyIdleTimeoutMs: number;
  /** Smallest size of every part but the last in CompleteMultipartUpload (S3: 5 MiB). */
  minPartBytes: number;
  /** The clock (epoch ms) that stamps objects, uploads and buckets and drives lifecycle expiry. */
  now: () => number;
}

/** One request being served. */
export interface S3Call {
  req: ServiceRequest;
  res: ServerResponse;
  target: Target;
}

/** One S3 operation. */
export type Operation = (ctx: S3Context, call: S3Call) => Promise<void> | void;

/** Largest single PUT or part (S3: 5 GiB). */
export const MAX_OBJECT_BYTES = 5 * 1024 ** 3;
/** Largest XML request body read into memory. */
export const MAX_XML_BODY_BYTES = 2 * 1024 * 1024;

/** The owner element S3 puts in listings. */
export function ownerOf(ctx: S3Context): { ID: string; DisplayName: string } {
  return { ID: ctx.ownerId, DisplayName: 'local' };
}

/** The current time rounded down to whole seconds, S3's Last-Modified precision. */
export function nowSeconds(ctx: Pick<S3Context, 'now'>): number {
  return Math.floor(ctx.now() / 1000) * 1000;
}
