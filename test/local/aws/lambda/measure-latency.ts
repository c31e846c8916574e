// Measures invoke round trips of a trivial warm handler: in-process `lambda.invoke` and the
// SDK's InvokeCommand over HTTP (SigV4 signed and verified), plus a cold start and a bare
// spawn of `true` for scale. Run: node --import tsx test/local/aws/lambda/measure-latency.ts
import { spawn } from 'node:child_process';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { fixture, startLambdaHarness } from './harness.js';

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

async function measure(label: string, iterations: number, run: () => Promise<unknown>): Promise<void> {
  for (let index = 0; index < Math.min(50, iterations); index += 1) await run();
  const samples: number[] = [];
  for (let index = 0; index < iterations; index += 1) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  console.log(`${label}: p50 ${percentile(samples, 0.5).toFixed(3)} ms, p90 ${percentile(samples, 0.9).toFixed(3)} ms, n=${iterations}`);
}

const harness = await startLambdaHarness();
try {
  harness.lambda.registerFunction({ name: 'noop', module: fixture('noop.mjs') });
  const payload = Buffer.from('{}');
  const coldStarted = performance.now();
  await harness.lambda.invoke('noop', payload, 'RequestResponse');
  console.log(`cold start (fork + load handler, first invoke): ${(performance.now() - coldStarted).toFixed(1)} ms`);
  await measure('in-process invoke, warm', 2000, () => harness.lambda.invoke('noop', payload, 'RequestResponse'));
  const client = harness.client();
  await measure('SDK InvokeCommand, warm', 500, () => client.send(new InvokeCommand({ FunctionName: 'noop', Payload: payload })));
  await measure('bare spawn of `true`', 200, () => new Promise((resolve) => spawn('true').on('exit', resolve)));
} finally {
  await harness.close();
}
