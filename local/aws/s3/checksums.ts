import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** The flexible checksum algorithms S3 accepts (`x-amz-checksum-<name>`). */
export type ChecksumAlgorithm = 'crc32' | 'crc32c' | 'crc64nvme' | 'sha1' | 'sha256';

/** Every flexible checksum algorithm, in the order S3 lists them. */
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'];

/** An incremental checksum whose digest is the raw big-endian bytes S3 base64-encodes. */
export interface Checksum {
  update(data: Buffer): void;
  digest(): Buffer;
}

/** Returns the algorithm named by a header or XML value (case-insensitive), or undefined. */
export function readChecksumAlgorithm(name: string): ChecksumAlgorithm | undefined {
  const lower = name.toLowerCase();
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(lower) ? (lower as ChecksumAlgorithm) : undefined;
}

/** Creates an incremental checksum for one algorithm. */
export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case 'crc32':
      return createCrc32();
    case 'crc32c':
      return createCrc32c();
    case 'crc64nvme':
      return createCrc64Nvme();
    case 'sha1':
    case 'sha256':
      return wrapHash(createHash(algorithm));
  }
}

/** Computes a checksum of whole bytes as base64. */
export function checksumBase64(algorithm: ChecksumAlgorithm, data: Buffer): string {
  const checksum = createChecksum(algorithm);
  checksum.update(data);
  return checksum.digest().toString('base64');
}

function wrapHash(hash: Hash): Checksum {
  return { update: (data) => void hash.update(data), digest: () => hash.digest() };
}

function uint32Bytes(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

function createCrc32(): Checksum {
  let value = 0;
  return { update: (data) => void (value = crc32(data, value)), digest: () => uint32Bytes(value) };
}

// CRC-32C and CRC-64/NVME are hand-written table implementations: node:zlib only has CRC-32,
// and the SDK's own implementations live in an internal package we do not depend on.
const CRC32C_TABLE = buildCrc32cTable();

function buildCrc32cTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let j = 0; j < 8; j++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
}

function createCrc32c(): Checksum {
  let crc = 0xffffffff;
  return {
    update(data) {
      let c = crc;
      for (let i = 0; i < data.length; i++) c = (c >>> 8) ^ CRC32C_TABLE[(c ^ data[i]!) & 0xff]!;
      crc = c;
    },
    digest: () => uint32Bytes((crc ^ 0xffffffff) >>> 0),
  };
}

// CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5) with the 64-bit state split in two
// 32-bit halves so the inner loop avoids BigInt.
const CRC64_HI = new Uint32Array(256);
const CRC64_LO = new Uint32Array(256);
buildCrc64Tables();

function buildCrc64Tables(): void {
  const poly = 0x9a6c9329ac4bc9b5n;
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i);
    for (let j = 0; j < 8; j++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
    CRC64_HI[i] = Number(c >> 32n);
    CRC64_LO[i] = Number(c & 0xffffffffn);
  }
}

function createCrc64Nvme(): Checksum {
  let hi = 0xffffffff;
  let lo = 0xffffffff;
  return {
    update(data) {
      let h = hi;
      let l = lo;
      for (let i = 0; i < data.length; i++) {
        const index = (l ^ data[i]!) & 0xff;
        l = ((l >>> 8) | (h << 24)) ^ CRC64_LO[index]!;
        h = (h >>> 8) ^ CRC64_HI[index]!;
      }
      hi = h >>> 0;
      lo = l >>> 0;
    },
    digest() {
      const out = Buffer.alloc(8);
      out.writeUInt32BE((hi ^ 0xffffffff) >>> 0, 0);
      out.writeUInt32BE((lo ^ 0xffffffff) >>> 0, 4);
      return out;
    },
  };
}
