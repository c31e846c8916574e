import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  CreateBucketCommand,
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  type LifecycleRule,
} from '@aws-sdk/client-s3';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { S3TestEndpoint } from '../endpoint.js';
import { sendSigned } from '../raw.js';

const BUCKET = 'lifecycle';

/** The rule libaws's S3Ensure puts for `ttldays=14` (lib/s3.go). */
const LIBAWS_RULE: LifecycleRule = { ID: 'ttlDays=14', Prefix: '', Status: 'Enabled', Expiration: { Days: 14 } };

/** The body the Go SDK v2 sends for that rule (members in its serializer's order). */
const LIBAWS_XML =
  '<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><Expiration><Days>14</Days></Expiration>' +
  '<ID>ttlDays=14</ID><Prefix></Prefix><Status>Enabled</Status></Rule></LifecycleConfiguration>';

function crc32Base64(text: string): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32(Buffer.from(text)));
  return bytes.toString('base64');
}

/** The Code and Message of an S3 error document. */
function readError(xml: string): { code: string; message: string } {
  const parsed = new XMLParser({ parseTagValue: false }).parse(xml) as { Error?: { Code?: unknown; Message?: unknown } };
  return { code: String(parsed.Error?.Code), message: String(parsed.Error?.Message) };
}

function md5Base64(text: string): string {
  return createHash('md5').update(text).digest('base64');
}

/** Lifecycle configuration: round trips (libaws's rule, V2 filters), 404 when none, delete, and S3's refusals. */
export function describeLifecycle(env: () => S3TestEndpoint): void {
  describe('lifecycle configuration', () => {
    const rules = (...given: LifecycleRule[]) => new PutBucketLifecycleConfigurationCommand({ Bucket: BUCKET, LifecycleConfiguration: { Rules: given } });
    const putXml = (xml: string, headers: Record<string, string> = { 'content-md5': md5Base64(xml) }) =>
      sendSigned(env().credentials, { port: env().port, method: 'PUT', path: `/${BUCKET}`, query: { lifecycle: '' }, headers, body: xml });

    beforeAll(async () => {
      await env().client().send(new CreateBucketCommand({ Bucket: BUCKET }));
    });

    it('answers 404 NoSuchLifecycleConfiguration for a bucket without rules', async () => {
      await expect(env().client().send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }))).rejects.toMatchObject({
        name: 'NoSuchLifecycleConfiguration',
        $metadata: { httpStatusCode: 404 },
      });
    });

    it('round-trips the rule libaws writes for ttldays, and libaws reads its Days back', async () => {
      const s3 = env().client();
      await s3.send(rules(LIBAWS_RULE));
      const got = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }));
      expect(got.Rules).toEqual([LIBAWS_RULE]);
      expect(got.TransitionDefaultMinimumObjectSize).toBe('all_storage_classes_128K');
    });

    it("accepts the Go SDK's exact body with its CRC32 checksum header, as libaws sends it", async () => {
      const response = await putXml(LIBAWS_XML, { 'x-amz-sdk-checksum-algorithm': 'CRC32', 'x-amz-checksum-crc32': crc32Base64(LIBAWS_XML) });
      expect(response.status).toBe(200);
      const got = await env().client().send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }));
      expect(got.Rules).toEqual([LIBAWS_RULE]);
    });

    it('makes up an ID for a rule given none, as libaws updates a rule', async () => {
      const s3 = env().client();
      await s3.send(rules({ Prefix: '', Status: 'Enabled', Expiration: { Days: 3 } }));
      const got = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }));
      expect(got.Rules).toHaveLength(1);
      expect(got.Rules?.[0]).toMatchObject({ Prefix: '', Status: 'Enabled', Expiration: { Days: 3 } });
      expect(got.Rules?.[0]?.ID).toMatch(/^\S{8,}$/);
    });

    it('round-trips V2 filters: prefix, one tag, And with tags and sizes, a Date, aborting uploads', async () => {
      const s3 = env().client();
      const given: LifecycleRule[] = [
        { ID: 'tmp', Filter: { Prefix: 'tmp/' }, Status: 'Enabled', Expiration: { Days: 1 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } },
        { ID: 'tagged', Filter: { Tag: { Key: 'class', Value: 'scratch' } }, Status: 'Disabled', Expiration: { Days: 30 } },
        {
          ID: 'and',
          Filter: { And: { Prefix: 'logs/', Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '' }], ObjectSizeGreaterThan: 10, ObjectSizeLessThan: 1000 } },
          Status: 'Enabled',
          Expiration: { Date: new Date('2031-02-03T00:00:00Z') },
        },
        { ID: 'everything', Filter: {}, Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 5, NewerNoncurrentVersions: 2 } },
      ];
      await s3.send(rules(...given));
      const got = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }));
      expect(got.Rules).toEqual(given);
    });

    it('removes the configuration on delete (204, then 404; deleting again is 204)', async () => {
      const s3 = env().client();
      await s3.send(rules(LIBAWS_RULE));
      const deleted = await s3.send(new DeleteBucketLifecycleCommand({ Bucket: BUCKET }));
      expect(deleted.$metadata.httpStatusCode).toBe(204);
      await expect(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }))).rejects.toMatchObject({ name: 'NoSuchLifecycleConfiguration' });
      expect((await s3.send(new DeleteBucketLifecycleCommand({ Bucket: BUCKET }))).$metadata.httpStatusCode).toBe(204);
    });

    it('answers 404 NoSuchBucket for a bucket that does not exist', async () => {
      await expect(env().client().send(new PutBucketLifecycleConfigurationCommand({ Bucket: 'no-such-lifecycle-bucket', LifecycleConfiguration: { Rules: [LIBAWS_RULE] } }))).rejects.toMatchObject({
        name: 'NoSuchBucket',
      });
    });

    it('refuses a PUT with neither Content-MD5 nor an x-amz-checksum-* header with 400 InvalidRequest', async () => {
      const response = await putXml(LIBAWS_XML, {});
      expect(response.status).toBe(400);
      expect(readError(response.text)).toEqual({ code: 'InvalidRequest', message: 'Missing required header for this request: Content-MD5 OR x-amz-checksum-*' });
    });

    it('refuses a body whose Content-MD5 does not match with 400 BadDigest', async () => {
      const response = await putXml(LIBAWS_XML, { 'content-md5': md5Base64('something else') });
      expect(response.status).toBe(400);
      expect(readError(response.text).code).toBe('BadDigest');
    });

    it.each([
      ['XML that is not well-formed', 'MalformedXML', '<LifecycleConfiguration><Rule><Status>Enabled</Status></Rule>', 'not well-formed'],
      ['a misspelled element', 'MalformedXML', '<LifecycleConfiguration><Rule><Prefix></Prefix><Status>Enabled</Status><Expiraton><Days>1</Days></Expiraton></Rule></LifecycleConfiguration>', 'Expiraton'],
      ['Days that are not a number', 'MalformedXML', '<LifecycleConfiguration><Rule><Prefix></Prefix><Status>Enabled</Status><Expiration><Days>ten</Days></Expiration></Rule></LifecycleConfiguration>', 'expected Days to be an integer'],
      ['a rule with neither Filter nor Prefix', 'MalformedXML', '<LifecycleConfiguration><Rule><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>', 'expected a Filter'],
      ['an Expiration with both Days and Date', 'MalformedXML', '<LifecycleConfiguration><Rule><Prefix></Prefix><Status>Enabled</Status><Expiration><Days>1</Days><Date>2030-01-01T00:00:00Z</Date></Expiration></Rule></LifecycleConfiguration>', 'exactly one of Days, Date'],
      ['no rules', 'InvalidRequest', '<LifecycleConfiguration></LifecycleConfiguration>', 'At least one lifecycle rule must be specified.'],
      ['a rule without an action', 'InvalidRequest', '<LifecycleConfiguration><Rule><Prefix>a/</Prefix><Status>Enabled</Status></Rule></LifecycleConfiguration>', 'At least one action needs to be specified in a rule'],
      ['a Date that is not midnight UTC', 'InvalidArgument', '<LifecycleConfiguration><Rule><Prefix></Prefix><Status>Enabled</Status><Expiration><Date>2030-01-01T12:00:00Z</Date></Expiration></Rule></LifecycleConfiguration>', "'Date' must be at midnight GMT"],
      ['a V1 Prefix next to a V2 Filter', 'InvalidRequest', '<LifecycleConfiguration><Rule><Filter></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule><Rule><Prefix>b/</Prefix><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>', 'Base level prefix cannot be used in Lifecycle V2'],
      ['overlapping V1 prefixes', 'InvalidRequest', '<LifecycleConfiguration><Rule><Prefix>a</Prefix><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule><Rule><Prefix>ab</Prefix><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule></LifecycleConfiguration>', "Found overlapping prefixes 'a' and 'ab'"],
    ])('refuses %s with 400 %s', async (_what, code, xml, message) => {
      const response = await putXml(xml);
      expect(response.status).toBe(400);
      expect(readError(response.text)).toEqual({ code, message: expect.stringContaining(message) as unknown });
    });

    it.each([
      ['Days 0', { ...LIBAWS_RULE, Expiration: { Days: 0 } }, 'InvalidArgument', "'Days' for Expiration action must be a positive integer"],
      ['Days -1', { ...LIBAWS_RULE, Expiration: { Days: -1 } }, 'InvalidArgument', "'Days' for Expiration action must be a positive integer"],
      ['a status of "enabled"', { ...LIBAWS_RULE, Status: 'enabled' as 'Enabled' }, 'MalformedXML', 'expected Status to be Enabled or Disabled'],
      ['an ID of 256 characters', { ...LIBAWS_RULE, ID: 'a'.repeat(256) }, 'InvalidArgument', 'ID length should not exceed allowed limit of 255'],
      ['AbortIncompleteMultipartUpload with a tag filter', { ID: 'x', Filter: { Tag: { Key: 'k', Value: 'v' } }, Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }, 'InvalidRequest', 'AbortIncompleteMultipartUpload cannot be specified with Tags.'],
      ['DaysAfterInitiation 0', { ID: 'x', Filter: { Prefix: '' }, Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 0 } }, 'InvalidArgument', "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer"],
      ['duplicate tag keys', { ID: 'x', Filter: { And: { Tags: [{ Key: 'k', Value: '1' }, { Key: 'k', Value: '2' }] } }, Status: 'Enabled', Expiration: { Days: 1 } }, 'InvalidRequest', 'Duplicate Tag Keys are not allowed.'],
    ] satisfies [string, LifecycleRule, string, string][])('refuses a rule with %s (SDK) with 400 %s', async (_what, rule, code, message) => {
      await expect(env().client().send(rules(rule))).rejects.toMatchObject({ name: code, message: expect.stringContaining(message) as unknown, $metadata: { httpStatusCode: 400 } });
    });

    it('refuses two rules with the same ID with 400 InvalidArgument', async () => {
      await expect(env().client().send(rules(LIBAWS_RULE, { ...LIBAWS_RULE, Prefix: 'other/' }))).rejects.toMatchObject({
        name: 'InvalidArgument',
        message: 'Rule ID must be unique. Found same ID for more than one rule',
      });
    });

    it('refuses transitions with 501 NotImplemented, saying why', async () => {
      const transition: LifecycleRule = { ID: 'cold', Filter: { Prefix: '' }, Status: 'Enabled', Transitions: [{ Days: 30, StorageClass: 'GLACIER' }] };
      await expect(env().client().send(rules(transition))).rejects.toMatchObject({
        name: 'NotImplemented',
        message: expect.stringContaining('one storage class') as unknown,
        $metadata: { httpStatusCode: 501 },
      });
    });

    it('keeps the previous configuration when a PUT is refused', async () => {
      const s3 = env().client();
      await s3.send(rules(LIBAWS_RULE));
      await expect(s3.send(rules({ ...LIBAWS_RULE, Expiration: { Days: 0 } }))).rejects.toMatchObject({ name: 'InvalidArgument' });
      const got = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }));
      expect(got.Rules).toEqual([LIBAWS_RULE]);
    });
  });
}
