import { afterAll, beforeAll, describe } from 'vitest';
import type { SqsTarget } from '../servers.js';
import { defineDeadLetterContract } from './dead-letter.js';
import { defineFifoContract } from './fifo.js';
import { defineMessageContract } from './messages.js';
import { defineQueueContract } from './queues.js';
import { defineVisibilityContract } from './visibility.js';

/** Gives the contract's tests the server under test once it has started. */
export type TargetRef = () => SqsTarget;

/**
 * The SQS contract: behaviour every assertion of which holds on real SQS (API reference and
 * answers recorded against AWS), run against any server `start` brings up.
 */
export function describeSqsContract(name: string, start: () => Promise<SqsTarget>): void {
  describe(`SQS contract: ${name}`, () => {
    let target: SqsTarget | undefined;
    const ref: TargetRef = () => {
      if (!target) throw new Error('Expected the server under test to be started');
      return target;
    };
    beforeAll(async () => {
      target = await start();
    });
    afterAll(async () => target?.close());

    defineQueueContract(ref);
    defineMessageContract(ref);
    defineVisibilityContract(ref);
    defineFifoContract(ref);
    defineDeadLetterContract(ref);
  });
}
