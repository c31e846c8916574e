export * from './access.js';
export * from './auth.js';
export * from './constants.js';
export * from './keys.js';
export * from './locale.js';
export * from './schemas.js';
export * from './retry.js';
export * from './scopes.js';
