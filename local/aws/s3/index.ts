// STUB: replaced by the S3 implementation.
import type { LocalService } from '../service.js';
import { AwsError } from '../service.js';
import type { AuthError } from '../sigv4.js';

export interface S3ServiceOptions {
  dataDir: string;
  region: string;
}

/** Creates the S3 service, persisted under `dataDir`. */
export async function createS3Service(_options: S3ServiceOptions): Promise<LocalService> {
  return {
    name: 's3',
    bufferBody: false,
    maxBodyBytes: 0,
    claimsUnsigned: () => true,
    allowsAnonymous: () => false,
    authError: (error: AuthError) => new AwsError(403, 'AccessDenied', error.message),
    async handle() {
      throw new AwsError(501, 'NotImplemented', 'S3 is not implemented yet');
    },
    sendError(_req, res, error) {
      res.writeHead(error.status, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${error.message}</Message></Error>`);
    },
    async close() {},
  };
}
