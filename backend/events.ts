import { z } from 'zod';

/**
 * The fields of an API Gateway REST (payload 1.0) event that hono's adapter reads. Only
 * the shape is checked here; hono builds the Request from it.
 */
export const ApiGatewayV1Event = z.looseObject({
  httpMethod: z.string(),
  path: z.string(),
  headers: z.record(z.string(), z.string().optional()).nullable().optional(),
  multiValueHeaders: z.record(z.string(), z.array(z.string())).nullable().optional(),
  queryStringParameters: z.record(z.string(), z.string().optional()).nullable().optional(),
  multiValueQueryStringParameters: z.record(z.string(), z.array(z.string())).nullable().optional(),
  body: z.string().nullable().optional(),
  isBase64Encoded: z.boolean().optional(),
  requestContext: z.looseObject({ requestId: z.string().optional() }),
});
export type ApiGatewayV1Event = z.infer<typeof ApiGatewayV1Event>;
