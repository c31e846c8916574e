import { dbCopy } from './db-copy/index.js';
import { httpCheck } from './http-check.js';
import { listdir } from './listdir.js';
import { CommandRegistry } from './registry.js';

export { defineCommand, type Command, type CommandContext, type Reach } from './define.js';
export { ReachError, createConfinedReach, createUnconfinedReach, isPublicAddress, isWithheldEnvName, type ReachLimits } from './reach.js';
export { CommandRegistry } from './registry.js';
export { dbCopy } from './db-copy/index.js';
export { httpCheck } from './http-check.js';
export { listdir } from './listdir.js';

/** Every registered command, listed explicitly (no registration by import side effects). */
export const registry = new CommandRegistry([listdir, httpCheck, dbCopy]);
