// The small JPEG WhatsApp shows beside a link preview, made from an image a stranger's page chose.
// Decoding happens in a worker thread with a heap limit, so it neither stalls the event loop nor can
// run zapd out of memory, and the worker is stopped when the preview's deadline passes. Images whose
// header claims more than MAX_SOURCE_PIXELS are not decoded at all.
import { Worker } from 'node:worker_threads';
import type { OutgoingFile } from '../engine/types.ts';
import { imageSize } from './image-size.ts';
import type { ThumbnailJob } from './thumbnail-worker.ts';

/** 24 MP: any photo a page would use, and at most ~100 MB of RGBA while it is resized. */
const MAX_SOURCE_PIXELS = 24_000_000;
const WORKER_HEAP_MB = 256;

// From the compiled build (dist/) this module is a .js file and so is the worker beside it; from
// source both are .ts. tsc rewrites import specifiers, not URL strings, so the extension is chosen here.
const compiled = import.meta.url.endsWith('.js');
const workerUrl = new URL(compiled ? './thumbnail-worker.js' : './thumbnail-worker.ts', import.meta.url);
let bootstrap: string | undefined;

/** From source, zapd runs its TypeScript through tsx, whose loader a worker thread does not inherit
 *  on Node 20: the worker registers it first, then imports the real module. Resolved on first use. */
function workerBootstrap(): string {
  bootstrap ??= `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ tsImport }) => tsImport(${JSON.stringify(workerUrl.href)}, ${JSON.stringify(workerUrl.href)}))`;
  return bootstrap;
}

function startWorker(job: ThumbnailJob): Worker {
  const options = { workerData: job, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } };
  // The compiled worker is plain JavaScript: no loader, no tsx in the process at all.
  return compiled ? new Worker(workerUrl, options) : new Worker(workerBootstrap(), { ...options, eval: true });
}

export class ThumbnailError extends Error {}

export async function shrinkToThumbnail(data: Buffer, width: number, signal?: AbortSignal): Promise<OutgoingFile> {
  const size = imageSize(data);
  if (!size) throw new ThumbnailError('not a PNG, JPEG, GIF or BMP image');
  if (size.width * size.height > MAX_SOURCE_PIXELS || size.width === 0 || size.height === 0) {
    throw new ThumbnailError(`a ${size.width}×${size.height} image is too large to thumbnail`);
  }
  signal?.throwIfAborted();
  const job: ThumbnailJob = { data, width };
  const worker = startWorker(job);
  const stop = () => void worker.terminate();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const jpeg = await new Promise<Uint8Array>((resolve, reject) => {
      worker.once('message', (message: Uint8Array) => resolve(message));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new ThumbnailError(signal?.aborted ? 'stopped at the deadline' : `the thumbnail worker exited with code ${code}`)));
    });
    return { data: Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength), mimetype: 'image/jpeg' };
  } finally {
    signal?.removeEventListener('abort', stop);
    void worker.terminate();
  }
}
