export { createClient } from './client.js';
export type { AwsExecClient, ExecOptions, JobPage, ListOptions, TailOptions } from './client.js';
export {
  ApiError,
  AuthError,
  BadRequestError,
  ClientError,
  ExpiredUrlError,
  NetworkError,
  NotFoundError,
  ProtocolError,
  StorageError,
  TimeoutError,
  ValidationError,
} from './errors.js';
export { LogTail, concatBytes } from './log-tail.js';
export type { ClientOptions, FetchFunction, PollOptions, RetryOptions } from './options.js';
export type { JobRequest, PushUrlsInput } from './request.js';
export type { PushedUrls, PushedUrlsInput } from './sources.js';
export { createLogDecoder, decodeChunksTo, decodeText } from './text.js';
export type { LogDecoder } from './text.js';
export type { CancelResponse, CommandInfo, JobStatus, JobSummary, KeyInfoResponse, RevokeShareResponse, ShareResponse } from '../protocol/index.js';
