import type { ServiceTraits } from '../service.js';
import { toSqsAuthError } from './errors.js';
import { looksLikeSqs } from './wire.js';

/**
 * How the endpoint routes and authenticates SQS requests: JSON or query bodies up to 8 MiB (a
 * 1 MiB message, form-encoded at up to 3 bytes a byte or JSON-escaped, with room).
 */
export const SQS_TRAITS: ServiceTraits = {
  name: 'sqs',
  bufferBody: true,
  maxBodyBytes: 8 * 1024 * 1024,
  claimsUnsigned: (req) => looksLikeSqs(req.method, req.headers, (req.url ?? '/').split('?')[0]!),
  allowsAnonymous: () => false,
  authError: (error) => toSqsAuthError(error),
};
