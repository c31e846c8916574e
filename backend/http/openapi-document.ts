import type { z } from 'zod';
import { createDocument, type ZodOpenApiResponsesObject } from 'zod-openapi';
import {
  AUTH_HEADER,
  CancelQuery,
  CancelResponse,
  ErrorResponse,
  ExecRequest,
  ExecResponse,
  ExecStatusQuery,
  ExecStatusResponse,
  JobQuery,
  JobSummary,
  KeyInfoResponse,
  ListCommandsResponse,
  ListJobsQuery,
  ListJobsResponse,
  PATHS,
  RevokeShareQuery,
  RevokeShareResponse,
  RevokedKeysRequest,
  RevokedKeysResponse,
  ShareRequest,
  ShareResponse,
  VersionResponse,
} from '../../protocol/index.js';

/** Where the API's OpenAPI document is served; public, like `/_version` and the page. */
export const OPENAPI_PATH = '/api/openapi.json';

/** An OpenAPI 3.1 document, as `createOpenApiDocument` builds it. */
export type OpenApiDocument = ReturnType<typeof createDocument>;

const SECURITY_SCHEME = 'authKey';

const errorAnswer = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorResponse } },
});

/** The error answers every authenticated route can give. */
const AUTH_ERRORS: ZodOpenApiResponsesObject = {
  '400': errorAnswer('Bad input: the message says what was expected and what came.'),
  '401': errorAnswer('A missing or unknown `auth` key (after a fixed delay; the message says only "unauthorized"), or an expired one (the message says when it expired).'),
  '403': errorAnswer('The key lacks the scope this needs (the message names it), or a share link asked for more than following its job.'),
  '500': errorAnswer('An internal error; the message names the request id, nothing more.'),
};

const icon = (description: string, type: string) => ({
  get: {
    summary: `${description} No auth needed.`,
    security: [],
    responses: { '200': { description, content: { [type]: { schema: { type: 'string' as const, contentEncoding: 'binary' } } } } },
  },
});

const json = (description: string, schema: z.core.$ZodType) => ({ description, content: { 'application/json': { schema } } });

/**
 * Builds the OpenAPI 3.1 document of the HTTP API from the protocol's zod schemas: the
 * same schemas the routes parse their input with, so the document cannot drift from
 * what the API accepts. Every route of the app is listed (a test compares with
 * `app.routes`).
 */
export function createOpenApiDocument(version: VersionResponse): OpenApiDocument {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: version.name,
      version: version.version,
      description:
        'Start commands asynchronously (a subprocess or a registered command), tail their logs from S3 with presigned URLs, get the real exit code. ' +
        'Every `/api/*` request carries the header `auth: <key>`, except this document.',
    },
    components: {
      securitySchemes: { [SECURITY_SCHEME]: { type: 'apiKey', in: 'header', name: AUTH_HEADER } },
    },
    security: [{ [SECURITY_SCHEME]: [] }],
    paths: {
      [PATHS.exec]: {
        post: {
          operationId: 'startJob',
          summary: 'Start a job: a subprocess (argv) or a registered command (rpc-name + rpc-args).',
          requestBody: { required: true, content: { 'application/json': { schema: ExecRequest } } },
          responses: {
            '200': json('The job started; follow it with GET /api/exec or the presigned URLs.', ExecResponse),
            ...AUTH_ERRORS,
            '404': errorAnswer('No registered command of that rpc-name.'),
            '413': errorAnswer('The body is larger than the API accepts.'),
            '429': errorAnswer("The key has as many jobs queued or running as it may; `Retry-After` says when to try again."),
            '502': errorAnswer('The job could not be handed to its runner; it was closed with exit 1.'),
          },
        },
        get: {
          operationId: 'followJob',
          summary: "A presigned GET of the job's log (read it with `Range: bytes=N-`), or its exit code once range-start equals the final size.",
          requestParams: { query: ExecStatusQuery },
          responses: {
            '200': json('Presigned URLs, or the exit code.', ExecStatusResponse),
            ...AUTH_ERRORS,
            '404': errorAnswer('No job of this uid among the caller\'s jobs.'),
          },
        },
        delete: {
          operationId: 'cancelJob',
          summary: 'Cancel a job: it exits 130.',
          requestParams: { query: CancelQuery },
          responses: {
            '200': json('Whether the job was still running when the cancel was recorded.', CancelResponse),
            ...AUTH_ERRORS,
            '404': errorAnswer('No job of this uid among the caller\'s jobs.'),
          },
        },
      },
      [PATHS.jobs]: {
        get: {
          operationId: 'listJobs',
          summary: "A page of the caller's jobs, newest first, optionally of some statuses; `next` is the cursor of the page after (a cursor altered or from another key or filter: 400).",
          requestParams: { query: ListJobsQuery },
          responses: { '200': json('The jobs.', ListJobsResponse), ...AUTH_ERRORS },
        },
      },
      [PATHS.job]: {
        get: {
          operationId: 'showJob',
          summary: "One of the caller's jobs, as GET /api/jobs lists it (status, command, times, exit code, log size), without listing.",
          requestParams: { query: JobQuery },
          responses: {
            '200': json('The job.', JobSummary),
            ...AUTH_ERRORS,
            '404': errorAnswer("No job of this uid among the caller's jobs."),
          },
        },
      },
      [PATHS.commands]: {
        get: {
          operationId: 'listCommands',
          summary: 'The registered commands, each with the JSON Schema of its rpc-args.',
          responses: { '200': json('The commands.', ListCommandsResponse), ...AUTH_ERRORS },
        },
      },
      [PATHS.key]: {
        get: {
          operationId: 'describeKey',
          summary: 'What the calling key may do (its auth-name, scopes, expiry, cap on running jobs), or which job a share link follows.',
          responses: { '200': json('The key or share link.', KeyInfoResponse), ...AUTH_ERRORS },
        },
      },
      [PATHS.keyRevoked]: {
        post: {
          operationId: 'noticeRevokedKeys',
          summary: 'Tells this process that keys were removed from the table (`aws-exec auth rm` sends it): each one that is gone is refused at once here.',
          requestBody: { required: true, content: { 'application/json': { schema: RevokedKeysRequest } } },
          responses: { '200': json('Which ids were forgotten and which the table still holds.', RevokedKeysResponse), ...AUTH_ERRORS },
        },
      },
      [PATHS.share]: {
        post: {
          operationId: 'shareJob',
          summary: "A share link of one of the caller's jobs: its token, sent as the `auth` header, follows that job (GET /api/exec) and nothing else, until it expires or is revoked.",
          requestBody: { required: true, content: { 'application/json': { schema: ShareRequest } } },
          responses: {
            '200': json('The share: its token (shown once), id, page path and end.', ShareResponse),
            ...AUTH_ERRORS,
            '404': errorAnswer("No job of this uid among the caller's jobs."),
          },
        },
        delete: {
          operationId: 'revokeShare',
          summary: 'Revokes a share link of the caller\'s: refused from then on (URLs it was given last at most 60 s more).',
          requestParams: { query: RevokeShareQuery },
          responses: { '200': json('Revoked.', RevokeShareResponse), ...AUTH_ERRORS, '404': errorAnswer('No share link of that id of the caller\'s.') },
        },
      },
      [OPENAPI_PATH]: {
        get: {
          operationId: 'getOpenApiDocument',
          summary: 'This document (no auth needed).',
          security: [],
          responses: { '200': { description: 'The OpenAPI 3.1 document.', content: { 'application/json': {} } } },
        },
      },
      [PATHS.version]: {
        get: {
          operationId: 'getVersion',
          summary: 'The name and version of the deployed backend (no auth needed).',
          security: [],
          responses: { '200': json('The version.', VersionResponse) },
        },
      },
      '/': {
        get: {
          operationId: 'getPage',
          summary: 'The web page (no auth needed; it asks for the key).',
          security: [],
          responses: {
            '200': { description: 'The page.', content: { 'text/html': { schema: { type: 'string' } } } },
            '304': { description: 'The page has not changed since the ETag in If-None-Match.' },
          },
        },
      },
      '/favicon.svg': icon('The icon, as SVG.', 'image/svg+xml'),
      '/favicon.ico': icon('The icon, as PNG (browsers ask for this path).', 'image/png'),
      '/apple-touch-icon.png': icon('The home-screen icon, as PNG.', 'image/png'),
    },
  });
}
