import { createHash } from 'node:crypto';

/** One message attribute as stored: its data type and a string or binary value. */
export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  /** Base64, as both wire protocols carry it. */
  BinaryValue?: string;
}

/** The MD5 (hex) of a message body's UTF-8 bytes, as MD5OfMessageBody / MD5OfBody. */
export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

/**
 * The MD5 (hex) of message attributes, as SQS computes MD5OfMessageAttributes (and
 * MD5OfMessageSystemAttributes): attributes sorted by name; for each, the name, the data type
 * and the value each as a 4-byte big-endian length and its bytes, with one transport-type
 * byte (1 for String and Number, 2 for Binary) before the value. "Calculating the MD5 message
 * digest for message attributes",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
 */
export function md5OfAttributes(attributes: Readonly<Record<string, MessageAttribute>>): string {
  const hash = createHash('md5');
  for (const name of Object.keys(attributes).sort()) {
    const attribute = attributes[name]!;
    updateWithLength(hash, Buffer.from(name, 'utf8'));
    updateWithLength(hash, Buffer.from(attribute.DataType, 'utf8'));
    if (attribute.BinaryValue !== undefined && isBinaryType(attribute.DataType)) {
      hash.update(Buffer.of(2));
      updateWithLength(hash, Buffer.from(attribute.BinaryValue, 'base64'));
    } else {
      hash.update(Buffer.of(1));
      updateWithLength(hash, Buffer.from(attribute.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}

/** Whether a data type carries a binary value (`Binary` and its custom labels, e.g. `Binary.gif`). */
export function isBinaryType(dataType: string): boolean {
  return dataType === 'Binary' || dataType.startsWith('Binary.');
}

function updateWithLength(hash: ReturnType<typeof createHash>, bytes: Buffer): void {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  hash.update(length).update(bytes);
}
