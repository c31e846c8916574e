import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BadRequestError, ConflictError, NotFoundError } from '../errors.js';
import { generateWebhookSecret } from '../events/key-webhook.js';
import { checkNotifyUrl } from '../events/url-rule.js';
import { listAuthKeys, type AuthAdminDeps, type AuthKeyInfo } from './admin.js';

/** What `auth webhook-secret` changed. */
export interface RotatedWebhookSecret {
  key: AuthKeyInfo;
  /** The new secret, shown once. */
  secret: string;
}

/** Options of rotateWebhookSecret. */
export interface RotateOptions {
  /** Also set the key's default webhook URL (jobs started without `notify` use it); '' removes it. */
  notifyUrl?: string;
  /** Allow loopback and private hosts in notifyUrl (the local runtime's rule). */
  allowPrivateHosts?: boolean;
}

/**
 * Gives one key a new webhook secret (the old one stops signing at once for new jobs; jobs
 * already started keep the secret they started with until their event is delivered). `target`
 * is a key's auth-name as `auth ls` shows it, its id, or a name that has one key.
 */
export async function rotateWebhookSecret(deps: AuthAdminDeps, target: string, options: RotateOptions = {}): Promise<RotatedWebhookSecret> {
  if (options.notifyUrl !== undefined && options.notifyUrl !== '') {
    const refused = checkNotifyUrl(options.notifyUrl, options.allowPrivateHosts ?? false, '--notify-url');
    if (refused !== undefined) throw new BadRequestError(refused);
  }
  const key = findOneKey(await listAuthKeys(deps), target);
  const secret = generateWebhookSecret();
  const clearUrl = options.notifyUrl === '';
  const setUrl = options.notifyUrl !== undefined && !clearUrl;
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: { id: key.id },
        UpdateExpression: `SET #secret = :secret${setUrl ? ', #url = :url' : ''}${clearUrl ? ' REMOVE #url' : ''}`,
        ConditionExpression: 'attribute_exists(id)',
        ExpressionAttributeNames: { '#secret': 'webhook-secret', ...(setUrl || clearUrl ? { '#url': 'notify-url' } : {}) },
        ExpressionAttributeValues: { ':secret': secret, ...(setUrl ? { ':url': options.notifyUrl } : {}) },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new NotFoundError(`The key ${key.authName ?? key.id} was removed meanwhile`, { cause: error });
    throw error;
  }
  return { key, secret };
}

function findOneKey(keys: AuthKeyInfo[], target: string): AuthKeyInfo {
  const id = /^(auth\.)?[0-9a-f]{64}$/.test(target) ? (target.startsWith('auth.') ? target : `auth.${target}`) : undefined;
  const byId = keys.filter((key) => key.id === id);
  const byAuthName = keys.filter((key) => !key.legacy && key.authName === target);
  const byName = keys.filter((key) => key.name === target);
  const matched = byId.length > 0 ? byId : byAuthName.length > 0 ? byAuthName : byName;
  if (matched.length === 0) throw new NotFoundError(`Expected a key's auth-name, id or name (as \`auth ls\` shows them), got \`${target}\``);
  if (matched.length > 1) {
    throw new ConflictError(`Expected one key named \`${target}\`, found ${matched.length} (${matched.map((key) => key.authName ?? key.id).join(', ')}): name one by its id (as \`auth ls --json\` shows it)`);
  }
  const [key] = matched as [AuthKeyInfo];
  if (key.legacy) throw new BadRequestError(`The key ${key.authName ?? key.id} is of an earlier release (SHA-256): make a new key with \`aws-exec auth new\` to use webhooks`);
  return key;
}
