import type { PublishedAttribute } from './filter/match.js';
import type { Signer } from './signing/signer.js';

// The JSON documents SNS sends: a Notification to SQS (non-raw) and HTTP/S endpoints, the
// SubscriptionConfirmation and UnsubscribeConfirmation to HTTP/S endpoints, and the event Lambda
// receives. Fields and order as AWS sends them (https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html,
// http-subscription-confirmation-json.html, http-unsubscribe-confirmation-json.html; recorded against AWS:
// localstack test_sns.snapshot.json — test_publish_sqs_from_sns, test_message_to_fifo_sqs, whose FIFO
// notifications carry SequenceNumber and no signature; test_subscribe_external_http_endpoint). The
// Lambda event is https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html ("Example SNS message
// event"): Records[0].Sns with SigningCertUrl / UnsubscribeUrl spelled so, Subject null when none.
// The text is laid out as SNS lays it out ("Key" : value, two-space indent).

/** Where the local SNS's URLs point: the endpoint's base URL and the signer. */
export interface EnvelopeContext {
  endpointUrl: string;
  signer: Signer;
}

/** One published message as a subscription receives it. */
export interface NotificationInput {
  topicArn: string;
  subscriptionArn: string;
  messageId: string;
  /** The message for this subscription's protocol (MessageStructure=json picks it). */
  message: string;
  subject: string | undefined;
  /** ISO 8601 with milliseconds. */
  timestamp: string;
  attributes: Readonly<Record<string, PublishedAttribute>>;
  /** FIFO topics: the message's sequence number (then no signature is sent). */
  sequenceNumber: string | undefined;
  signatureVersion: '1' | '2';
}

/** The fields of a Notification, in order. */
export function notificationFields(input: NotificationInput, ctx: EnvelopeContext): Array<[string, unknown]> {
  const fields: Array<[string, unknown]> = [
    ['Type', 'Notification'],
    ['MessageId', input.messageId],
    ...(input.sequenceNumber !== undefined ? ([['SequenceNumber', input.sequenceNumber]] as Array<[string, unknown]>) : []),
    ['TopicArn', input.topicArn],
    ...(input.subject !== undefined ? ([['Subject', input.subject]] as Array<[string, unknown]>) : []),
    ['Message', input.message],
    ['Timestamp', input.timestamp],
  ];
  if (input.sequenceNumber === undefined) {
    fields.push(
      ['SignatureVersion', input.signatureVersion],
      ['Signature', ctx.signer.sign(notificationStringToSign(input), input.signatureVersion)],
      ['SigningCertURL', signingCertUrl(ctx)],
    );
  }
  fields.push(['UnsubscribeURL', unsubscribeUrl(ctx, input.subscriptionArn)]);
  const attributes = envelopeAttributes(input.attributes);
  if (Object.keys(attributes).length > 0) fields.push(['MessageAttributes', attributes]);
  return fields;
}

/** The Notification document (SQS non-raw, HTTP/S non-raw). */
export function renderNotification(input: NotificationInput, ctx: EnvelopeContext): string {
  return layOut(notificationFields(input, ctx));
}

/** The event a Lambda function subscribed to a topic is invoked with. */
export function renderLambdaEvent(input: NotificationInput, ctx: EnvelopeContext): string {
  const sns: Record<string, unknown> = {
    Type: 'Notification',
    MessageId: input.messageId,
    TopicArn: input.topicArn,
    Subject: input.subject ?? null,
    Message: input.message,
    Timestamp: input.timestamp,
    SignatureVersion: input.signatureVersion,
    Signature: ctx.signer.sign(notificationStringToSign(input), input.signatureVersion),
    SigningCertUrl: signingCertUrl(ctx),
    UnsubscribeUrl: unsubscribeUrl(ctx, input.subscriptionArn),
    MessageAttributes: envelopeAttributes(input.attributes),
  };
  return JSON.stringify({ Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: input.subscriptionArn, Sns: sns }] });
}

/** A SubscriptionConfirmation or UnsubscribeConfirmation to an HTTP/S endpoint. */
export interface ConfirmationInput {
  type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  topicArn: string;
  subscriptionArn: string;
  messageId: string;
  token: string;
  timestamp: string;
  signatureVersion: '1' | '2';
}

/** The confirmation document, signed. */
export function renderConfirmation(input: ConfirmationInput, ctx: EnvelopeContext): string {
  const message =
    input.type === 'SubscriptionConfirmation'
      ? `You have chosen to subscribe to the topic ${input.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`
      : `You have chosen to deactivate subscription ${input.subscriptionArn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`;
  const subscribeUrl = `${ctx.endpointUrl}/?Action=ConfirmSubscription&TopicArn=${input.topicArn}&Token=${input.token}`;
  const toSign = signedText([
    ['Message', message],
    ['MessageId', input.messageId],
    ['SubscribeURL', subscribeUrl],
    ['Timestamp', input.timestamp],
    ['Token', input.token],
    ['TopicArn', input.topicArn],
    ['Type', input.type],
  ]);
  return layOut([
    ['Type', input.type],
    ['MessageId', input.messageId],
    ['Token', input.token],
    ['TopicArn', input.topicArn],
    ['Message', message],
    ['SubscribeURL', subscribeUrl],
    ['Timestamp', input.timestamp],
    ['SignatureVersion', input.signatureVersion],
    ['Signature', ctx.signer.sign(toSign, input.signatureVersion)],
    ['SigningCertURL', signingCertUrl(ctx)],
  ]);
}

/** The string SNS signs for a Notification: Message, MessageId, Subject (when present), Timestamp, TopicArn, Type, each "Name\nvalue\n". */
export function notificationStringToSign(input: Pick<NotificationInput, 'message' | 'messageId' | 'subject' | 'timestamp' | 'topicArn'>): string {
  return signedText([
    ['Message', input.message],
    ['MessageId', input.messageId],
    ...(input.subject !== undefined ? ([['Subject', input.subject]] as Array<[string, string]>) : []),
    ['Timestamp', input.timestamp],
    ['TopicArn', input.topicArn],
    ['Type', 'Notification'],
  ]);
}

function signedText(fields: ReadonlyArray<readonly [string, string]>): string {
  return fields.map(([name, value]) => `${name}\n${value}\n`).join('');
}

/** Message attributes as the envelope carries them: {Type, Value}, binary values in base64. */
function envelopeAttributes(attributes: Readonly<Record<string, PublishedAttribute>>): Record<string, { Type: string; Value: string }> {
  const out: Record<string, { Type: string; Value: string }> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    out[name] = { Type: attribute.DataType, Value: attribute.BinaryValue ?? attribute.StringValue ?? '' };
  }
  return out;
}

function signingCertUrl(ctx: EnvelopeContext): string {
  return `${ctx.endpointUrl}/${ctx.signer.certificateName()}`;
}

function unsubscribeUrl(ctx: EnvelopeContext, subscriptionArn: string): string {
  return `${ctx.endpointUrl}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`;
}

/** Lays a document out as SNS does: `{\n  "Key" : value,\n …\n}`, attributes one a line. */
function layOut(fields: ReadonlyArray<readonly [string, unknown]>): string {
  const lines = fields.map(([name, value]) => {
    if (name !== 'MessageAttributes') return `  ${JSON.stringify(name)} : ${JSON.stringify(value)}`;
    const entries = Object.entries(value as Record<string, unknown>).map(([key, attribute]) => `    ${JSON.stringify(key)} : ${JSON.stringify(attribute)}`);
    return `  "MessageAttributes" : {\n${entries.join(',\n')}\n  }`;
  });
  return `{\n${lines.join(',\n')}\n}`;
}
