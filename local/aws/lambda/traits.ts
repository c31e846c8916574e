import type { ServiceTraits } from '../service.js';
import { MAX_SYNC_PAYLOAD_BYTES, renderAuthError } from './errors.js';
import { isLambdaPath } from './routes.js';

/** How the endpoint routes and authenticates Lambda API requests (bodies up to the synchronous payload limit). */
export const LAMBDA_TRAITS: ServiceTraits = {
  name: 'lambda',
  bufferBody: true,
  maxBodyBytes: MAX_SYNC_PAYLOAD_BYTES,
  claimsUnsigned: (req) => isLambdaPath(req.url ?? ''),
  allowsAnonymous: () => false,
  authError: renderAuthError,
};
