// STUB: replaced by the DynamoDB implementation.
import type { LocalService } from '../service.js';
import { AwsError } from '../service.js';
import type { AuthError } from '../sigv4.js';

export interface DynamoDbServiceOptions {
  dataDir: string;
  region: string;
}

/** Creates the DynamoDB service, persisted under `dataDir`. */
export async function createDynamoDbService(_options: DynamoDbServiceOptions): Promise<LocalService> {
  return {
    name: 'dynamodb',
    bufferBody: true,
    maxBodyBytes: 16 * 1024 * 1024,
    claimsUnsigned: (req) => typeof req.headers['x-amz-target'] === 'string',
    allowsAnonymous: () => false,
    authError: (error: AuthError) => new AwsError(400, 'InvalidSignatureException', error.message),
    async handle() {
      throw new AwsError(501, 'NotImplemented', 'DynamoDB is not implemented yet');
    },
    sendError(_req, res, error) {
      res.writeHead(error.status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${error.code}`, message: error.message }));
    },
    async close() {},
  };
}
