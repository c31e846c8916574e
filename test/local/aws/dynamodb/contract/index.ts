import { afterAll, beforeAll, describe } from 'vitest';
import type { DynamoDbTarget } from '../servers.js';
import { defineBatchContract } from './batch.js';
import { defineConditionContract } from './conditions.js';
import { defineErrorContract } from './errors.js';
import { defineIndexContract } from './indexes.js';
import { defineItemContract } from './items.js';
import { defineQueryContract } from './query.js';
import { defineScanContract } from './scan.js';
import { defineTableContract } from './tables.js';
import { defineUpdateContract } from './updates.js';

/** Gives the contract's tests the server under test once it has started. */
export type TargetRef = () => DynamoDbTarget;

/**
 * The DynamoDB contract: behaviour every assertion of which holds on real DynamoDB,
 * run against any server `start` brings up (ours, plain dynalite).
 */
export function describeDynamoDbContract(name: string, start: () => Promise<DynamoDbTarget>): void {
  describe(`DynamoDB contract: ${name}`, () => {
    let target: DynamoDbTarget | undefined;
    const ref: TargetRef = () => {
      if (!target) throw new Error('Expected the server under test to be started');
      return target;
    };
    beforeAll(async () => {
      target = await start();
    });
    afterAll(async () => target?.close());

    defineTableContract(ref);
    defineItemContract(ref);
    defineConditionContract(ref);
    defineUpdateContract(ref);
    defineQueryContract(ref);
    defineScanContract(ref);
    defineBatchContract(ref);
    defineIndexContract(ref);
    defineErrorContract(ref);
  });
}
