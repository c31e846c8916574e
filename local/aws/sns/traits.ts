import type { ServiceTraits } from '../service.js';
import { toSnsAuthError } from './errors.js';
import { anonymousRouteOf } from './wire.js';

/** Largest query body accepted: a 256 KB message form-encoded (up to 3 bytes a byte) with its attributes, with room. */
export const SNS_MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * How the endpoint routes and authenticates SNS requests before SNS's code is loaded: query
 * bodies, and the unsigned routes (the signing certificate, a SubscribeURL or UnsubscribeURL).
 */
export const SNS_TRAITS: ServiceTraits = {
  name: 'sns',
  bufferBody: true,
  maxBodyBytes: SNS_MAX_BODY_BYTES,
  claimsUnsigned: (req) => anonymousRouteOf(req.method, req.url ?? '/') !== undefined,
  allowsAnonymous: (req) => anonymousRouteOf(req.method, req.url ?? '/') !== undefined,
  authError: (error) => toSnsAuthError(error),
};
