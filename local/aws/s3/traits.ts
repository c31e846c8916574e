import type { ServiceTraits } from '../service.js';
import { mapAuthError } from './errors.js';

/** How the endpoint routes and authenticates S3 requests: it is the fallback for unsigned ones and streams its bodies. */
export const S3_TRAITS: ServiceTraits = {
  name: 's3',
  bufferBody: false,
  maxBodyBytes: 0,
  claimsUnsigned: () => true,
  allowsAnonymous: (req) => req.method === 'OPTIONS',
  authError: mapAuthError,
};
