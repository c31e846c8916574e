import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { z } from 'zod';
import type { Credentials } from '../sigv4.js';
import { FAULTS_PATH } from './admin.js';
import type { FaultConfig } from './config.js';
import type { FaultStats } from './injector.js';

/** Where a running endpoint is and the root key pair that may change its faults (local.json has both). */
export interface FaultClientOptions {
  /** The endpoint's URL, e.g. local.json's `awsEndpoint`. */
  endpoint: string;
  region: string;
  credentials: Credentials;
  fetch?: typeof fetch;
}

/** The fault layer of a running endpoint, over HTTP (for tests that run `aws-exec serve` as a child process). */
export interface FaultClient {
  get(): Promise<FaultState>;
  /** Replaces the configuration; a configuration the endpoint refuses rejects with its message. */
  set(config: FaultConfig): Promise<FaultState>;
  /** Turns every fault off. */
  clear(): Promise<FaultState>;
}

/** What the admin route answers: the configuration in force and the counts since the endpoint started. */
export interface FaultState {
  config: FaultConfig;
  stats: FaultStats;
}

const Answer = z.object({ config: z.object({ rules: z.array(z.unknown()) }).passthrough(), stats: z.object({ total: z.record(z.string(), z.number()) }).passthrough() });

/** A client of an endpoint's fault admin route, signing each call with SigV4 as the root. */
export function createFaultClient(options: FaultClientOptions): FaultClient {
  const url = new URL(FAULTS_PATH, options.endpoint);
  const signer = new SignatureV4({ service: 's3', region: options.region, credentials: options.credentials, sha256: Hash.bind(null, 'sha256') });
  const fetchFn = options.fetch ?? fetch;
  const call = async (method: 'GET' | 'PUT' | 'DELETE', body?: string): Promise<FaultState> => {
    const request = new HttpRequest({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: { host: url.host, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body }),
    });
    const signed = await signer.sign(request);
    const response = await fetchFn(url, { method, headers: signed.headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${FAULTS_PATH} answered ${response.status}: ${text.slice(0, 2000)}`);
    const parsed = Answer.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`Expected {config, stats} from ${FAULTS_PATH}, got ${text.slice(0, 200)}`);
    return parsed.data as unknown as FaultState;
  };
  return {
    get: () => call('GET'),
    set: (config) => call('PUT', JSON.stringify(config)),
    clear: () => call('DELETE'),
  };
}
