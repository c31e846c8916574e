// Verifies an SNS message's signature the way AWS tells subscribers to
// (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message-verify-message-signature.html):
// fetch the certificate at SigningCertURL, build the string to sign from the message's fields,
// and check the RSA signature (SHA1 for SignatureVersion 1, SHA256 for 2). Written from the
// documentation, independently of the endpoint's code.
import { createVerify, X509Certificate } from 'node:crypto';
import { z } from 'zod';

/** An SNS JSON document as HTTP/S endpoints and SQS queues receive it. */
export const SnsDocument = z
  .object({
    Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
    MessageId: z.string(),
    TopicArn: z.string(),
    Message: z.string(),
    Timestamp: z.string(),
    Subject: z.string().optional(),
    Token: z.string().optional(),
    SubscribeURL: z.string().optional(),
    UnsubscribeURL: z.string().optional(),
    SequenceNumber: z.string().optional(),
    SignatureVersion: z.enum(['1', '2']).optional(),
    Signature: z.string().optional(),
    SigningCertURL: z.string().optional(),
    MessageAttributes: z.record(z.string(), z.object({ Type: z.string(), Value: z.string() })).optional(),
  })
  .strict();
export type SnsDocument = z.infer<typeof SnsDocument>;

/** Whether the document's signature verifies against the certificate its SigningCertURL serves. */
export async function verifySnsSignature(document: SnsDocument): Promise<boolean> {
  if (!document.SigningCertURL || !document.Signature || !document.SignatureVersion) throw new Error('Expected a signed SNS document');
  const response = await fetch(document.SigningCertURL);
  if (!response.ok) throw new Error(`Expected the certificate at ${document.SigningCertURL}, got HTTP ${response.status}`);
  const certificate = new X509Certificate(await response.text());
  const names =
    document.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  let text = '';
  for (const name of names) {
    const value = document[name as keyof SnsDocument];
    if (typeof value === 'string') text += `${name}\n${value}\n`;
  }
  const verifier = createVerify(document.SignatureVersion === '2' ? 'RSA-SHA256' : 'RSA-SHA1');
  verifier.update(text, 'utf8');
  return verifier.verify(certificate.publicKey, document.Signature, 'base64');
}
