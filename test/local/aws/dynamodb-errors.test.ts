import { describe, expect, it } from 'vitest';
import { formatAmzDate, toDynamoDbAuthError, typeOfError } from '../../../local/aws/dynamodb/errors.js';
import { readCall } from '../../../local/aws/dynamodb/wire.js';
import { AuthError, checkClaimTime, type SigV4Claim } from '../../../local/aws/sigv4.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');

function skewError(signedAtMs: number): AuthError {
  const claim: SigV4Claim = {
    kind: 'header',
    accessKeyId: 'AKIA',
    scopeDate: formatAmzDate(signedAtMs).slice(0, 8),
    region: 'us-east-1',
    service: 'dynamodb',
    amzDate: formatAmzDate(signedAtMs),
    signedHeaders: ['host'],
    signature: '0'.repeat(64),
  };
  try {
    checkClaimTime(claim, NOW, 15 * 60_000);
  } catch (error) {
    if (error instanceof AuthError) return error;
  }
  throw new Error('Expected checkClaimTime to refuse the claim');
}

describe('toDynamoDbAuthError', () => {
  it('words a signature from the past as DynamoDB does, with the times involved', () => {
    const error = toDynamoDbAuthError(skewError(NOW - 20 * 60_000), NOW);
    expect(error).toMatchObject({ status: 400, code: 'InvalidSignatureException' });
    expect(error.message).toBe('Signature expired: 20250601T114000Z is now earlier than 20250601T114500Z (20250601T120000Z - 15 min.)');
  });

  it('words a signature from the future as not yet current', () => {
    const error = toDynamoDbAuthError(skewError(NOW + 20 * 60_000), NOW);
    expect(error.message).toBe('Signature not yet current: 20250601T122000Z is still later than 20250601T121500Z (20250601T120000Z + 15 min.)');
  });

  it.each([
    ['missing', 'MissingAuthenticationTokenException'],
    ['unknown-key', 'UnrecognizedClientException'],
    ['mismatch', 'InvalidSignatureException'],
    ['malformed', 'IncompleteSignatureException'],
    ['unsupported-algorithm', 'IncompleteSignatureException'],
  ] as const)('maps a %s failure to %s under com.amazon.coral.service', (kind, code) => {
    const error = toDynamoDbAuthError(new AuthError(kind, 'x'));
    expect(error).toMatchObject({ status: 400, code });
    expect(typeOfError(error.code)).toBe(`com.amazon.coral.service#${code}`);
  });
});

describe('typeOfError', () => {
  it('puts each error code under the namespace DynamoDB uses for it', () => {
    expect(typeOfError('ValidationException')).toBe('com.amazon.coral.validate#ValidationException');
    expect(typeOfError('SerializationException')).toBe('com.amazon.coral.service#SerializationException');
    expect(typeOfError('ConditionalCheckFailedException')).toBe('com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException');
  });
});

describe('readCall', () => {
  const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' };

  it('reads the operation and the JSON body', () => {
    expect(readCall('POST', headers, Buffer.from('{"TableName":"t"}'))).toEqual({ operation: 'GetItem', body: { TableName: 't' } });
  });

  it.each([
    ['an array', '[]'],
    ['null', 'null'],
    ['a number', '42'],
    ['broken JSON', '{"a":'],
  ])('refuses %s as the body with SerializationException', (_what, body) => {
    expect(() => readCall('POST', headers, Buffer.from(body))).toThrow(expect.objectContaining({ code: 'SerializationException', status: 400 }));
  });

  it('refuses another content type or method with UnknownOperationException', () => {
    expect(() => readCall('POST', { ...headers, 'content-type': 'text/plain' }, Buffer.from('{}'))).toThrow(
      expect.objectContaining({ code: 'UnknownOperationException' }),
    );
    expect(() => readCall('GET', headers, Buffer.from('{}'))).toThrow(expect.objectContaining({ code: 'UnknownOperationException' }));
  });
});
