// A handler that reports the credentials its environment got and tries one call its role
// allows and one it does not, with an SDK client configured only by the environment.
import { execFileSync } from 'node:child_process';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

const s3 = new S3Client({ forcePathStyle: true });

async function attempt(call) {
  try {
    await call();
    return 'ok';
  } catch (error) {
    return `${error.name}: ${error.message}`;
  }
}

export const handler = async (event) => {
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  const put = (key) => () => s3.send(new PutObjectCommand({ Bucket: event.bucket, Key: key, Body: 'from lambda' }));
  return {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID,
    sessionToken: process.env.AWS_SESSION_TOKEN ?? null,
    // A subprocess (as a job's command) inherits the same credentials.
    childSessionToken: execFileSync('/bin/sh', ['-c', 'printf %s "$AWS_SESSION_TOKEN"']).toString(),
    allowed: event.bucket ? await attempt(put('jobs/from-lambda')) : null,
    denied: event.bucket ? await attempt(put('other/from-lambda')) : null,
  };
};
