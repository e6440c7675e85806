import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { test } from 'node:test';
import { Jimp } from 'jimp';
import { imageSize } from './image-size.ts';
import { shrinkToThumbnail, ThumbnailError } from './thumbnail.ts';

async function picture(width: number, height: number, mime: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/bmp'): Promise<Buffer> {
  const image = new Jimp({ width, height, color: 0x3366ccff });
  // Some noise, so the encoders have real work and the decoder too.
  for (let i = 0; i < 5_000; i++) image.setPixelColor((0xff0000ff + i * 7919) >>> 0, (i * 7919) % width, (i * 104_729) % height);
  return image.getBuffer(mime);
}

/** A PNG signature and IHDR claiming a size no real page image has; nothing behind it. */
function pngClaiming(width: number, height: number): Buffer {
  const header = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header);
  header.writeUInt32BE(13, 8);
  header.write('IHDR', 12, 'latin1');
  header.writeUInt32BE(width, 16);
  header.writeUInt32BE(height, 20);
  return header;
}

test('imageSize reads PNG, JPEG, GIF and BMP headers and nothing else', async () => {
  for (const mime of ['image/png', 'image/jpeg', 'image/gif', 'image/bmp'] as const) {
    assert.deepEqual(imageSize(await picture(123, 45, mime)), { width: 123, height: 45 }, mime);
  }
  assert.deepEqual(imageSize(pngClaiming(30_000, 30_000)), { width: 30_000, height: 30_000 });
  assert.equal(imageSize(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), undefined);
  assert.equal(imageSize(Buffer.from('RIFF\0\0\0\0WEBPVP8 ')), undefined);
  assert.equal(imageSize(Buffer.from([0xff, 0xd8, 0xff])), undefined);
  assert.equal(imageSize(Buffer.alloc(0)), undefined);
});

test('a thumbnail is a JPEG 192 px wide, made off the main thread: the event loop never stalls', async () => {
  const source = await picture(2000, 1500, 'image/jpeg');
  // The reference is the same work on the main thread, measured in the same run: a loaded machine
  // stretches both, so the comparison holds where a fixed number of milliseconds would not.
  const onThread = monitorEventLoopDelay({ resolution: 10 });
  onThread.enable();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const blocking = await Jimp.read(source);
  blocking.resize({ w: 192 });
  await blocking.getBuffer('image/jpeg');
  await new Promise((resolve) => setTimeout(resolve, 20));
  onThread.disable();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const thumbnail = await shrinkToThumbnail(source, 192);
  delay.disable();
  assert.equal(thumbnail.mimetype, 'image/jpeg');
  const decoded = await Jimp.read(thumbnail.data);
  assert.deepEqual([decoded.width, decoded.height], [192, 144]);
  const stallMs = delay.max / 1e6;
  const referenceMs = onThread.max / 1e6;
  assert.ok(stallMs < Math.max(60, referenceMs / 2), `the event loop stalled for ${stallMs.toFixed(0)} ms; on the main thread the same work stalled it ${referenceMs.toFixed(0)} ms`);
});

test('images claiming too many pixels, or of unknown formats, are refused before any decoding', async () => {
  const started = performance.now();
  await assert.rejects(shrinkToThumbnail(pngClaiming(30_000, 30_000), 192), (error: unknown) => error instanceof ThumbnailError && /too large/.test(error.message));
  await assert.rejects(shrinkToThumbnail(pngClaiming(0, 10), 192), ThumbnailError);
  await assert.rejects(shrinkToThumbnail(Buffer.from('GIF'), 192), ThumbnailError);
  // Decoding a 30,000 × 30,000 picture would take minutes and gigabytes; a refusal is immediate.
  assert.ok(performance.now() - started < 2_000);
});

test('a corrupt image fails in the worker, not in zapd; a passed deadline stops the worker', async () => {
  const corrupt = Buffer.concat([pngClaiming(100, 100), Buffer.from('garbage')]);
  await assert.rejects(shrinkToThumbnail(corrupt, 192));
  const source = await picture(2000, 1500, 'image/png');
  await assert.rejects(shrinkToThumbnail(source, 192, AbortSignal.abort()));
  const started = performance.now();
  await assert.rejects(shrinkToThumbnail(source, 192, AbortSignal.timeout(20)), /deadline/);
  assert.ok(performance.now() - started < 1_000);
});
