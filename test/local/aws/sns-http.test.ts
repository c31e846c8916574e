import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './sns/receiver.js';
import { makeTempDir, startOurSns, type OurSnsTarget } from './sns/servers.js';
import { SnsDocument, verifySnsSignature } from './sns/verify.js';

// HTTP subscriptions against a receiver on 127.0.0.1 started by the test: the
// SubscriptionConfirmation handshake (ConfirmSubscription, or a GET of the SubscribeURL), signed
// notifications with SNS's headers, retries per the delivery policy, and a Publish that does not
// wait for the endpoint.
describe('SNS HTTP subscriptions', () => {
  const tmp = makeTempDir('sns-http-');
  let t: OurSnsTarget;
  let receiver: Receiver;
  let topicCount = 0;

  const newTopic = async () => (await t.sns.send(new CreateTopicCommand({ Name: `http-${++topicCount}` }))).TopicArn!;
  /** Subscribes the receiver and confirms the subscription with the token it was sent. */
  const subscribeConfirmed = async (TopicArn: string, Attributes?: Record<string, string>) => {
    const before = receiver.received.length;
    await t.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: `${receiver.url}/hook`, ...(Attributes ? { Attributes } : {}) }));
    const [confirmation] = (await receiver.waitFor(before + 1)).slice(before);
    const { Token } = SnsDocument.parse(JSON.parse(confirmation!.body));
    return (await t.sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: Token! }))).SubscriptionArn!;
  };

  beforeAll(async () => {
    t = await startOurSns(tmp.dir);
  });
  afterEach(async () => {
    await receiver.close();
  });
  afterAll(async () => {
    await t.close();
    tmp.remove();
  });

  it('sends a signed SubscriptionConfirmation, delivers nothing until confirmed, then signed notifications with SNS headers', async () => {
    receiver = await startReceiver();
    const TopicArn = await newTopic();
    const subscribed = await t.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: `${receiver.url}/hook?x=1` }));
    expect(subscribed.SubscriptionArn).toBe('pending confirmation');
    const [confirmation] = await receiver.waitFor(1);
    expect(confirmation).toMatchObject({
      method: 'POST',
      path: '/hook?x=1',
      headers: {
        'content-type': 'text/plain; charset=UTF-8',
        'user-agent': 'Amazon Simple Notification Service Agent',
        'x-amz-sns-message-type': 'SubscriptionConfirmation',
        'x-amz-sns-topic-arn': TopicArn,
      },
    });
    const document = SnsDocument.parse(JSON.parse(confirmation!.body));
    expect(document).toMatchObject({
      Type: 'SubscriptionConfirmation',
      TopicArn,
      Message: `You have chosen to subscribe to the topic ${TopicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      SubscribeURL: `${t.url}/?Action=ConfirmSubscription&TopicArn=${TopicArn}&Token=${document.Token}`,
    });
    expect(confirmation!.headers['x-amz-sns-message-id']).toBe(document.MessageId);
    expect(await verifySnsSignature(document)).toBe(true);
    const pending = await t.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    expect(pending.Subscriptions?.[0]?.SubscriptionArn).toBe('PendingConfirmation');

    await t.sns.send(new PublishCommand({ TopicArn, Message: 'before confirmation' }));
    await t.snsService.idle();
    expect(receiver.received).toHaveLength(1);

    const confirmed = await t.sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: document.Token! }));
    expect(confirmed.SubscriptionArn).toMatch(new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
    const { Attributes } = await t.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: confirmed.SubscriptionArn }));
    expect(Attributes).toMatchObject({ PendingConfirmation: 'false', ConfirmationWasAuthenticated: 'false', Protocol: 'http' });
    expect(JSON.parse(Attributes!.EffectiveDeliveryPolicy!)).toMatchObject({ healthyRetryPolicy: { numRetries: 3, minDelayTarget: 20 } });

    const { MessageId } = await t.sns.send(new PublishCommand({ TopicArn, Message: 'after confirmation', Subject: 'Hello' }));
    const [, notification] = await receiver.waitFor(2);
    expect(notification!.headers).toMatchObject({
      'x-amz-sns-message-type': 'Notification',
      'x-amz-sns-message-id': MessageId,
      'x-amz-sns-topic-arn': TopicArn,
      'x-amz-sns-subscription-arn': confirmed.SubscriptionArn,
    });
    const delivered = SnsDocument.parse(JSON.parse(notification!.body));
    expect(delivered).toMatchObject({ Type: 'Notification', MessageId, Message: 'after confirmation', Subject: 'Hello' });
    expect(await verifySnsSignature(delivered)).toBe(true);
    const wrongToken = t.sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: 'f'.repeat(128) }));
    await expect(wrongToken).rejects.toThrow('Invalid parameter: Token');
  });

  it('confirms with an unsigned GET of the SubscribeURL, and unsubscribes with a GET of the UnsubscribeURL', async () => {
    receiver = await startReceiver();
    const TopicArn = await newTopic();
    await t.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: receiver.url, Attributes: { RawMessageDelivery: 'true' } }));
    const [confirmation] = await receiver.waitFor(1);
    const { SubscribeURL } = SnsDocument.parse(JSON.parse(confirmation!.body));
    const answer = await fetch(SubscribeURL!);
    expect(answer.status).toBe(200);
    const xml = await answer.text();
    const arn = /<SubscriptionArn>([^<]+)<\/SubscriptionArn>/.exec(xml)?.[1];
    expect(arn).toMatch(new RegExp(`^${TopicArn}:`));

    await t.sns.send(new PublishCommand({ TopicArn, Message: 'raw body' }));
    const [, raw] = await receiver.waitFor(2);
    expect(raw).toMatchObject({ body: 'raw body', headers: { 'x-amz-sns-rawdelivery': 'true', 'x-amz-sns-message-type': 'Notification' } });

    const unsubscribed = await fetch(`${t.url}/?Action=Unsubscribe&SubscriptionArn=${arn}`);
    expect(unsubscribed.status).toBe(200);
    const [, , goodbye] = await receiver.waitFor(3);
    const document = SnsDocument.parse(JSON.parse(goodbye!.body));
    expect(document).toMatchObject({ Type: 'UnsubscribeConfirmation', Message: expect.stringContaining(`You have chosen to deactivate subscription ${arn}.`) });
    expect(await verifySnsSignature(document)).toBe(true);
    await t.sns.send(new PublishCommand({ TopicArn, Message: 'not delivered' }));
    await t.snsService.idle();
    expect(receiver.received).toHaveLength(3);
    // The UnsubscribeConfirmation's SubscribeURL restores the subscription, as on AWS.
    expect((await fetch(document.SubscribeURL!)).status).toBe(200);
    await t.sns.send(new PublishCommand({ TopicArn, Message: 'restored' }));
    const received = await receiver.waitFor(4);
    expect(received[3]!.body).toBe('restored');
  });

  it('retries a notification the endpoint answers with 500 per the delivery policy, with the same message id, without delaying Publish', async () => {
    receiver = await startReceiver();
    const TopicArn = await newTopic();
    const policy = { healthyRetryPolicy: { numRetries: 3, minDelayTarget: 1, maxDelayTarget: 1 } };
    await subscribeConfirmed(TopicArn, { DeliveryPolicy: JSON.stringify(policy) });
    receiver.answer = (_request, index) => (index <= 2 ? 500 : 200);
    const started = Date.now();
    const { MessageId } = await t.sns.send(new PublishCommand({ TopicArn, Message: 'eventually' }));
    expect(Date.now() - started).toBeLessThan(1000);
    const attempts = (await receiver.waitFor(4, 15_000)).slice(1);
    expect(attempts.map((a) => a.headers['x-amz-sns-message-id'])).toEqual([MessageId, MessageId, MessageId]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(900);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(900);
    await t.snsService.idle();
    expect(t.snsService.pendingDeliveries()).toBe(0);
  });

  it('answers Publish at once while an endpoint holds its answer', async () => {
    receiver = await startReceiver();
    const TopicArn = await newTopic();
    await subscribeConfirmed(TopicArn);
    let release: (status: number) => void = () => {};
    receiver.answer = () => new Promise<number>((resolve) => (release = resolve));
    const started = Date.now();
    await t.sns.send(new PublishCommand({ TopicArn, Message: 'slow endpoint' }));
    expect(Date.now() - started).toBeLessThan(1000);
    await receiver.waitFor(2);
    expect(t.snsService.pendingDeliveries()).toBe(1);
    release(200);
    await t.snsService.idle();
    expect(t.snsService.pendingDeliveries()).toBe(0);
  });

  it('refuses an endpoint of another scheme, and raw delivery or delivery policies where the protocol has none', async () => {
    receiver = await startReceiver();
    const TopicArn = await newTopic();
    await expect(t.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'https', Endpoint: receiver.url }))).rejects.toThrow(
      'Invalid parameter: Endpoint must match the specified protocol',
    );
    await expect(
      t.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:f', Attributes: { RawMessageDelivery: 'true' } })),
    ).rejects.toThrow('Invalid parameter: Attributes Reason: Delivery protocol [lambda] does not support raw message delivery.');
    const arn = await subscribeConfirmed(TopicArn);
    await t.sns.send(new UnsubscribeCommand({ SubscriptionArn: arn }));
    expect((await t.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions).toEqual([]);
  });
});
