import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AwsError } from '../../service.js';
import type { AttemptOutcome, QueueMessage } from './model.js';

// One attempt of a delivery. What counts as a failure to retry and what as a refusal: for HTTP/S
// endpoints, an answer outside 200–4xx or none within 15 s is a failure, retried per the delivery
// policy, and a 4xx is not retried (https://docs.aws.amazon.com/sns/latest/dg/SendMessageToHttp.prepare.html);
// for SQS and Lambda, a client-side error (the queue or function is gone, or refuses the message)
// is not retried and a server-side error is (https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html,
// "Why do message deliveries fail?").

/** The local services SNS delivers to (their internal APIs; no IAM, as SNS is not the caller's identity). */
export interface DeliveryTargets {
  /** The local SQS's `deliver` (synchronous: committed when it returns). */
  deliverToQueue(queueArn: string, message: Omit<QueueMessage, 'queueArn'>): void;
  /** The local Lambda's asynchronous invoke (resolves once the event is queued). */
  invokeFunction(functionArn: string, event: string): Promise<void>;
}

/** How long an HTTP/S endpoint has to answer (SendMessageToHttp.prepare.html: 15 seconds). */
export const HTTP_TIMEOUT_MS = 15_000;

/** Stores a message in a queue through the local SQS: a 4xx AwsError is a refusal, anything else a failure. */
export function attemptQueue(targets: DeliveryTargets, message: QueueMessage): AttemptOutcome {
  try {
    targets.deliverToQueue(message.queueArn, {
      body: message.body,
      ...(message.attributes ? { attributes: message.attributes } : {}),
      ...(message.groupId !== undefined ? { groupId: message.groupId } : {}),
      ...(message.dedupId !== undefined ? { dedupId: message.dedupId } : {}),
    });
    return { kind: 'delivered' };
  } catch (error) {
    return outcomeOfError(error);
  }
}

/** Invokes a function asynchronously through the local Lambda. */
export async function attemptFunction(targets: DeliveryTargets, functionArn: string, event: string): Promise<AttemptOutcome> {
  try {
    await targets.invokeFunction(functionArn, event);
    return { kind: 'delivered' };
  } catch (error) {
    return outcomeOfError(error);
  }
}

function outcomeOfError(error: unknown): AttemptOutcome {
  if (error instanceof AwsError && error.status < 500 && error.status !== 429) return { kind: 'refused', reason: `${error.code}: ${error.message}` };
  return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
}

/** POSTs a document to an HTTP/S endpoint (no connection reuse, as each delivery stands alone). */
export function attemptHttp(url: string, headers: Readonly<Record<string, string>>, body: string, timeoutMs = HTTP_TIMEOUT_MS): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      settle({ kind: 'refused', reason: `not a URL: ${url}` });
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const payload = Buffer.from(body, 'utf8');
    const req = send(target, { method: 'POST', agent: false, headers: { ...headers, 'content-length': String(payload.length) }, timeout: timeoutMs }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      res.once('end', () => settle(status >= 200 && status < 500 ? { kind: 'delivered' } : { kind: 'failed', reason: `HTTP ${status}` }));
      res.once('error', (error) => settle({ kind: 'failed', reason: error.message }));
    });
    req.once('timeout', () => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms`));
    });
    req.once('error', (error) => settle({ kind: 'failed', reason: error.message }));
    req.end(payload);
  });
}
