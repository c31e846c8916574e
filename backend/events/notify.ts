import type { EventConfig } from '../config.js';
import { BadRequestError } from '../errors.js';
import type { JobWebhook } from '../jobs/start.js';
import type { KeyWebhooks } from './key-webhook.js';
import { checkNotifyUrl } from './url-rule.js';

/**
 * Where a new job's end goes as a webhook: the request's `notify.url`, else the key's default
 * URL; undefined when neither is set. 400 for a URL the rule refuses (url-rule.ts) or a key
 * without a webhook secret (nothing could sign the event).
 */
export async function resolveJobWebhook(
  deps: { config: { events: EventConfig }; keyWebhooks?: KeyWebhooks },
  key: string,
  requested: string | undefined,
): Promise<JobWebhook | undefined> {
  const settings = deps.keyWebhooks ? await deps.keyWebhooks.read(key) : {};
  const url = requested ?? settings.url;
  if (url === undefined) return undefined;
  const refused = checkNotifyUrl(url, deps.config.events.allowPrivateHosts, requested !== undefined ? 'notify.url' : "the key's notify-url");
  if (refused !== undefined) throw new BadRequestError(refused);
  if (settings.secret === undefined) {
    throw new BadRequestError(
      'Expected a key with a webhook secret to send notify.url, but this key has none (keys made before webhooks, or by the Go aws-exec): run `aws-exec auth webhook-secret NAME` to give it one',
    );
  }
  return { url, secret: settings.secret };
}
