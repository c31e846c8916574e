import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  type QueueAttributeName,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { QueueSpec } from './deploy/specs.js';
import type { ProvisionLog } from './provision.js';

// Creates the queues of infra.yaml's `sqs` section the way `libaws infra-ensure` does
// (lib/sqs.go SQSEnsure): a queue that does not exist is created with its attributes and the
// infrastructure set's tag; for one that exists, each declared attribute that differs from the
// queue's is logged and then all of them are set at once (SetQueueAttributes). libaws never
// deletes a queue or an attribute that infra.yaml no longer declares, and neither does this.

/** Attributes libaws compares on an existing queue (KmsMasterKeyId is always sent, never compared). */
const COMPARED: QueueAttributeName[] = ['DelaySeconds', 'MaximumMessageSize', 'MessageRetentionPeriod', 'ReceiveMessageWaitTimeSeconds', 'VisibilityTimeout', 'KmsDataKeyReusePeriodSeconds'];

/** One pass of libaws's SQSEnsure for a queue; resolves with whether it created it. */
export async function ensureQueue(sqs: SQSClient, spec: QueueSpec, log: ProvisionLog = () => {}): Promise<'created' | 'existed'> {
  const url = await findQueueUrl(sqs, spec.name);
  if (url === undefined) {
    await sqs.send(new CreateQueueCommand({ QueueName: spec.name, Attributes: spec.attributes, tags: spec.tags }));
    log(`created queue: ${spec.name}`);
    for (const [name, value] of Object.entries(spec.attributes)) {
      if (name !== 'KmsMasterKeyId') log(`created attribute for ${spec.name}: ${name} = ${value}`);
    }
    return 'created';
  }
  const current: Record<string, string | undefined> = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: COMPARED }))).Attributes ?? {};
  const changed = COMPARED.filter((name) => spec.attributes[name] !== undefined && current[name] !== undefined && current[name] !== spec.attributes[name]);
  for (const name of changed) log(`will update attr ${name} for ${spec.name}: ${current[name]} => ${spec.attributes[name]}`);
  if (changed.length > 0) {
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: spec.attributes }));
    log(`updated queue: ${spec.name}`);
  }
  return 'existed';
}

async function findQueueUrl(sqs: SQSClient, name: string): Promise<string | undefined> {
  try {
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (error) {
    if (error instanceof QueueDoesNotExist || (error as { name?: string }).name === 'AWS.SimpleQueueService.NonExistentQueue') return undefined;
    throw error;
  }
}
