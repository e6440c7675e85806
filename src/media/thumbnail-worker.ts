// Runs in a worker thread (see thumbnail.ts): Jimp decodes and resizes in plain JavaScript, which takes
// hundreds of milliseconds per picture and would stall every other request on the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { Jimp } from 'jimp';

export interface ThumbnailJob {
  data: Uint8Array;
  width: number;
}

const job = workerData as ThumbnailJob;
const image = await Jimp.read(Buffer.from(job.data.buffer, job.data.byteOffset, job.data.byteLength));
if (image.width > job.width) image.resize({ w: job.width });
const jpeg = await image.getBuffer('image/jpeg', { quality: 70 });
parentPort?.postMessage(jpeg);
