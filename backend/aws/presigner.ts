import type { S3Client } from '@aws-sdk/client-s3';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/*
 * Presigned URLs for many keys of one bucket. The SDK's getSignedUrl resolves the
 * endpoint and runs a clone of the client's middleware stack for every URL (1.1 ms of CPU
 * each here, and a job needs six: three GETs for its follower, three PUTs for its
 * runner). Here the SDK presigns once per bucket (its public getSignedUrl), which gives the
 * URL shape it resolved (path-style or virtual-host, endpoint, port); each key's URL is then
 * signed directly with the public SigV4 signer (`@smithy/signature-v4`'s presign: query
 * signing, UNSIGNED-PAYLOAD, `host` the only signed header), as the SDK's presigner does, with
 * the client's region and credential providers (its public `config.region()` and
 * `config.credentials()`, so refreshed role credentials are used) and node's SHA-256
 * (`@smithy/hash-node`). Measured by bench/aws-calls.ts: about 0.1 ms of CPU per URL.
 */

/** Presigns GET or PUT URLs of keys in one bucket. */
export type KeyPresigner = (method: 'GET' | 'PUT', key: string, expiresInSeconds: number) => Promise<string>;

const PROBE_KEY = 'aws-exec-presign-probe';

interface UrlShape {
  protocol: string;
  hostname: string;
  port: number | undefined;
  /** The path before the key (ends with '/'). */
  prefix: string;
  signer: SignatureV4;
}

/** A presigner of `bucket`'s keys built on the S3 client's own endpoint, region and credentials. */
export function createKeyPresigner(s3: S3Client, bucket: string): KeyPresigner {
  let shape: Promise<UrlShape> | undefined;
  return async (method, key, expiresIn) => {
    shape ??= findUrlShape(s3, bucket).catch((error: unknown) => {
      shape = undefined;
      throw error;
    });
    const { protocol, hostname, port, prefix, signer } = await shape;
    const request = new HttpRequest({
      method,
      protocol,
      hostname,
      ...(port === undefined ? {} : { port }),
      path: prefix + key.split('/').map(escapeKeySegment).join('/'),
      headers: { host: port === undefined ? hostname : `${hostname}:${port}`, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    });
    const signed = await signer.presign(request, { expiresIn });
    const query = Object.entries(signed.query ?? {})
      .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
      .join('&');
    return `${protocol}//${signed.headers.host ?? hostname}${signed.path}?${query}`;
  };
}

/**
 * A key segment escaped as the SDK escapes it (@smithy/core protocols'
 * extendedEncodeURIComponent, used for S3's greedy `{Key+}` label): encodeURIComponent
 * plus `!'()*`, which it leaves alone, so that a Go deployment's names (any string) sign
 * and read back as the SDK's own URLs do.
 */
function escapeKeySegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Presigns one URL through the SDK and reads from it where the bucket's keys live. */
async function findUrlShape(s3: S3Client, bucket: string): Promise<UrlShape> {
  const url = new URL(await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: PROBE_KEY }), { expiresIn: 60 }));
  if (!url.pathname.endsWith(`/${PROBE_KEY}`)) {
    throw new Error(`Expected the SDK's presigned URL to end with the key, got ${url.origin}${url.pathname}`);
  }
  const region = await s3.config.region();
  const signer = new SignatureV4({ service: 's3', region, credentials: s3.config.credentials, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false, applyChecksum: false });
  return {
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    prefix: url.pathname.slice(0, -PROBE_KEY.length),
    signer,
  };
}
