import { Webhook } from 'standardwebhooks';
import type { DeliveryAttempt } from '../../protocol/index.js';

/** One webhook call to make. */
export interface WebhookCall {
  url: string;
  /** The key's secret, `whsec_<base64>`. */
  secret: string;
  /** The `webhook-id`: the same on every attempt of one event. */
  id: string;
  body: string;
  timeoutMs: number;
  now: () => number;
}

/** What one attempt came to: the attempt as recorded, and whether the receiver took it (2xx). */
export interface WebhookResult {
  attempt: DeliveryAttempt;
  ok: boolean;
}

/** Most characters of an error kept on an attempt. */
const MAX_ERROR_CHARS = 200;

/**
 * POSTs a signed event as Standard Webhooks specifies
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
 * headers `webhook-id`, `webhook-timestamp` (unix seconds of this attempt) and
 * `webhook-signature` (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, made by the
 * `standardwebhooks` package). A 2xx answer is a delivery; anything else, a timeout, or a
 * redirect (never followed: the URL was checked, where it points to was not) is a failure to retry.
 */
export async function sendWebhook(fetchFn: typeof fetch, call: WebhookCall): Promise<WebhookResult> {
  const startedAt = call.now();
  const timestamp = new Date(startedAt);
  let signature: string;
  try {
    signature = new Webhook(call.secret).sign(call.id, timestamp, call.body);
  } catch (error) {
    return { ok: false, attempt: { at: startedAt, error: `could not sign: ${describe(error)}`, 'duration-ms': 0 } };
  }
  try {
    const response = await fetchFn(call.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'aws-exec-webhooks',
        'webhook-id': call.id,
        'webhook-timestamp': String(Math.floor(startedAt / 1000)),
        'webhook-signature': signature,
      },
      body: call.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    const durationMs = Math.round(call.now() - startedAt);
    const ok = response.status >= 200 && response.status < 300;
    const redirect = response.status >= 300 && response.status < 400 ? { error: 'redirect not followed' } : {};
    return { ok, attempt: { at: startedAt, status: response.status, ...redirect, 'duration-ms': durationMs } };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const why = timedOut ? `no answer within ${call.timeoutMs} ms` : describe(error);
    return { ok: false, attempt: { at: startedAt, error: why.slice(0, MAX_ERROR_CHARS), 'duration-ms': Math.round(call.now() - startedAt) } };
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
