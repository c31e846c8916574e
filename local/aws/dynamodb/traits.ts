import type { ServiceTraits } from '../service.js';
import { toDynamoDbAuthError } from './errors.js';
import { hasDynamoDbTarget } from './wire.js';

/** How the endpoint routes and authenticates DynamoDB requests (JSON 1.0 bodies of at most 16 MiB, read before the signature check). */
export const DYNAMODB_TRAITS: ServiceTraits = {
  name: 'dynamodb',
  bufferBody: true,
  maxBodyBytes: 16 * 1024 * 1024,
  claimsUnsigned: (req) => hasDynamoDbTarget(req.headers),
  allowsAnonymous: () => false,
  authError: (error) => toDynamoDbAuthError(error),
};
