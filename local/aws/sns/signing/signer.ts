import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSelfSignedCertificate } from './certificate.js';

// SNS signs every message it sends to HTTP/S, SQS and Lambda endpoints with an RSA key whose
// certificate it serves at SigningCertURL: SignatureVersion 1 is SHA1withRSA, 2 SHA256withRSA,
// over the "string to sign" of the message's fields
// (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message-verify-message-signature.html).
// The local endpoint does the same with a key of its own, made on first use and kept in the data
// directory (key mode 0600), and serves its self-signed certificate at
// `/SimpleNotificationService-<hash>.pem`. Verifying works as on AWS, except that the certificate
// is not issued by Amazon's CA and comes over http from 127.0.0.1.

const KEY_FILE = 'signing-key.pem';
const CERT_FILE = 'signing-cert.pem';
const CERT_DAYS = 3650;

/** The signing key of the local SNS and its certificate. */
export class Signer {
  private loaded: { key: KeyObject; pem: string; name: string } | undefined;
  /** The last signature made: a message fanned out to many subscriptions is signed once (its string to sign is the same for all). */
  private last: { text: string; version: string; signature: string } | undefined;

  constructor(private readonly dataDir: string) {}

  /** The certificate's file name in SigningCertURL: `SimpleNotificationService-<32 hex>.pem`. */
  certificateName(): string {
    return this.load().name;
  }

  /** The certificate (PEM) served at SigningCertURL. */
  certificatePem(): string {
    return this.load().pem;
  }

  /** The base64 signature of `text`: SHA1withRSA for SignatureVersion 1, SHA256withRSA for 2. */
  sign(text: string, version: '1' | '2'): string {
    if (this.last?.text === text && this.last.version === version) return this.last.signature;
    const signature = sign(version === '2' ? 'sha256' : 'sha1', Buffer.from(text, 'utf8'), this.load().key).toString('base64');
    this.last = { text, version, signature };
    return signature;
  }

  private load(): { key: KeyObject; pem: string; name: string } {
    if (this.loaded) return this.loaded;
    const keyPath = join(this.dataDir, KEY_FILE);
    const certPath = join(this.dataDir, CERT_FILE);
    if (!existsSync(keyPath) || !existsSync(certPath)) this.create(keyPath, certPath);
    const key = createPrivateKey(readFileSync(keyPath, 'utf8'));
    const pem = readFileSync(certPath, 'utf8');
    const certificate = new X509Certificate(pem);
    if (!certificate.checkPrivateKey(key)) throw new Error(`Expected ${certPath} to certify the key in ${keyPath}; remove both to make new ones`);
    const name = `SimpleNotificationService-${createHash('sha256').update(certificate.raw).digest('hex').slice(0, 32)}.pem`;
    this.loaded = { key, pem, name };
    return this.loaded;
  }

  private create(keyPath: string, certPath: string): void {
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = makeSelfSignedCertificate(privateKey, createPublicKey(privateKey), 'sns.local.aws-exec', new Date(), CERT_DAYS);
    writeAtomically(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
    writeAtomically(certPath, pem, 0o644);
  }
}

function writeAtomically(path: string, text: string, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  renameSync(temporary, path);
}
