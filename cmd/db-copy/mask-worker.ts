// The worker-thread side of ThreadedMasker: compiles the table's mask rules once, then
// masks each batch of CopyData messages it is sent and posts the result back, in order.
import { parentPort, workerData } from 'node:worker_threads';
import { CopyBinaryMasker } from './mask-binary.js';
import { compileRule, createKeyedHash } from './mask-rules.js';
import { CopyTextMasker, type FieldMask } from './mask-stream.js';
import type { MaskerSetup, MaskerReply, MaskerRequest } from './mask-thread.js';

const setup = workerData as MaskerSetup;
const hash = setup.key === undefined ? undefined : createKeyedHash(setup.key);
const masks = new Map<number, FieldMask>(setup.specs.map((spec) => [spec.index, compileRule(spec.rule, spec.column, hash, setup.format)]));
const masker = setup.format === 'binary' ? new CopyBinaryMasker(setup.columnCount, masks) : new CopyTextMasker(setup.columnCount, masks);
const port = parentPort;

port?.on('message', (request: MaskerRequest) => {
  let reply: MaskerReply;
  try {
    if (request.chunk !== undefined) {
      const chunk = Buffer.from(request.chunk.buffer, request.chunk.byteOffset, request.chunk.byteLength);
      // The chunk was transferred here: a binary masker may write into it.
      reply = { chunk: masker instanceof CopyBinaryMasker ? masker.maskFramesInPlace(chunk) : masker.maskFrames(chunk) };
    } else {
      masker.checkEnd();
      reply = { rows: masker.rows };
    }
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  // The reply owns its ArrayBuffer (a buffer of its own, or the chunk transferred here): hand it over without a copy.
  port.postMessage(reply, reply.chunk === undefined ? [] : [reply.chunk.buffer as ArrayBuffer]);
});
