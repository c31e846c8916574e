import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { z } from 'zod';
import { MAX_XML_BODY_BYTES, type Operation } from '../context.js';
import { CORS_METHODS, corsPreflightHeaders, corsResponseHeaders, findCorsRule, readRequestedHeaders, type CorsRule } from '../cors.js';
import { S3Error } from '../errors.js';
import { header, sendEmpty, sendXml } from '../http.js';
import { readPayload } from '../payload.js';
import type { ObjectStore } from '../store/index.js';
import { buildXml, parseXmlBody, type XmlNode } from '../xml.js';

const XmlCorsRule = z.object({
  ID: z.string().optional(),
  AllowedOrigin: z.array(z.string()).min(1, 'expected at least one AllowedOrigin in every CORSRule'),
  AllowedMethod: z.array(z.string()).min(1, 'expected at least one AllowedMethod in every CORSRule'),
  AllowedHeader: z.array(z.string()).optional(),
  ExposeHeader: z.array(z.string()).optional(),
  MaxAgeSeconds: z.string().regex(/^\s*\d{1,10}\s*$/, 'expected MaxAgeSeconds to be a non-negative integer').optional(),
});

const PutCorsRequest = z.object({
  CORSConfiguration: z.object({
    CORSRule: z.array(XmlCorsRule).min(1, 'expected at least one CORSRule').max(100, 'expected at most 100 CORSRules'),
  }),
});

function checkOneWildcard(kind: string, values: readonly string[]): void {
  const bad = values.find((v) => v.split('*').length > 2);
  if (bad !== undefined) throw new S3Error(400, 'InvalidRequest', `${kind} "${bad}" can not have more than one wildcard.`);
}

function toRule(rule: z.infer<typeof XmlCorsRule>): CorsRule {
  const methods = rule.AllowedMethod.map((m) => m.trim());
  const unsupported = methods.find((m) => !(CORS_METHODS as readonly string[]).includes(m));
  if (unsupported !== undefined) {
    throw new S3Error(400, 'InvalidRequest', `Found unsupported HTTP method in CORS config. Unsupported method is ${unsupported}`);
  }
  const origins = rule.AllowedOrigin.map((o) => o.trim());
  const allowedHeaders = (rule.AllowedHeader ?? []).map((h) => h.trim());
  checkOneWildcard('AllowedOrigin', origins);
  checkOneWildcard('AllowedHeader', allowedHeaders);
  return {
    ...(rule.ID !== undefined ? { id: rule.ID.trim() } : {}),
    allowedOrigins: origins,
    allowedMethods: methods as CorsRule['allowedMethods'],
    allowedHeaders,
    exposeHeaders: (rule.ExposeHeader ?? []).map((h) => h.trim()),
    ...(rule.MaxAgeSeconds !== undefined ? { maxAgeSeconds: Number(rule.MaxAgeSeconds) } : {}),
  };
}

/** PutBucketCors: replaces the bucket's CORS rules. */
export const putBucketCors: Operation = async (ctx, { req, res, target }) => {
  ctx.store.requireBucket(target.bucket);
  const body = await readPayload(req, { maxBytes: MAX_XML_BODY_BYTES, idleTimeoutMs: ctx.bodyIdleTimeoutMs });
  const rules = parseXmlBody(body, PutCorsRequest).CORSConfiguration.CORSRule.map(toRule);
  ctx.store.setCors(target.bucket, rules);
  sendEmpty(res, 200);
};

/** GetBucketCors: the stored rules, or 404 NoSuchCORSConfiguration. */
export const getBucketCors: Operation = (ctx, { res, target }) => {
  const bucket = ctx.store.requireBucket(target.bucket);
  if (!bucket.cors) {
    throw new S3Error(404, 'NoSuchCORSConfiguration', 'The CORS configuration does not exist', { BucketName: target.bucket });
  }
  const rules: XmlNode[] = bucket.cors.map((rule) => ({
    ...(rule.id !== undefined ? { ID: rule.id } : {}),
    ...(rule.allowedHeaders.length > 0 ? { AllowedHeader: rule.allowedHeaders } : {}),
    AllowedMethod: [...rule.allowedMethods],
    AllowedOrigin: rule.allowedOrigins,
    ...(rule.exposeHeaders.length > 0 ? { ExposeHeader: rule.exposeHeaders } : {}),
    ...(rule.maxAgeSeconds !== undefined ? { MaxAgeSeconds: rule.maxAgeSeconds } : {}),
  }));
  sendXml(res, 200, buildXml('CORSConfiguration', { CORSRule: rules }));
};

/** DeleteBucketCors: removes the rules (204 even when there were none). */
export const deleteBucketCors: Operation = (ctx, { res, target }) => {
  ctx.store.setCors(target.bucket, null);
  sendEmpty(res, 204);
};

const NOT_ALLOWED =
  'This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.';

/** An OPTIONS preflight, answered without a signature: 200 with Access-Control-* when a rule allows it, else 403. */
export const preflight: Operation = (ctx, { req, res, target }) => {
  const origin = header(req.headers, 'origin');
  const method = header(req.headers, 'access-control-request-method');
  if (origin === undefined || method === undefined) {
    throw new S3Error(400, 'BadRequest', 'Insufficient information. Expected the Origin and Access-Control-Request-Method request headers on a CORS preflight.');
  }
  const bucket = ctx.store.requireBucket(target.bucket);
  if (!bucket.cors) throw new S3Error(403, 'CORSResponse', 'CORS is not enabled for this bucket.');
  const requested = readRequestedHeaders(header(req.headers, 'access-control-request-headers'));
  const rule = findCorsRule(bucket.cors, origin, method, requested);
  if (!rule) throw new S3Error(403, 'CORSResponse', NOT_ALLOWED);
  sendEmpty(res, 200, corsPreflightHeaders(rule, origin, requested));
};

/** Adds the Access-Control-* headers of the first matching rule to a real answer (success or error) to a request with an Origin. */
export function applyCors(store: ObjectStore, bucketName: string, method: string, headers: IncomingHttpHeaders, res: ServerResponse): void {
  const origin = header(headers, 'origin');
  if (origin === undefined || bucketName === '' || method === 'OPTIONS') return;
  const rules = store.getBucket(bucketName)?.cors;
  if (!rules) return;
  const rule = findCorsRule(rules, origin, method);
  if (!rule) return;
  for (const [name, value] of Object.entries(corsResponseHeaders(rule, origin))) {
    if (value !== undefined) res.setHeader(name, value);
  }
}
