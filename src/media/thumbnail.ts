// The small JPEG WhatsApp shows beside a link preview.
import { Jimp } from 'jimp';
import type { OutgoingFile } from '../engine/types.ts';

export async function shrinkToThumbnail(data: Buffer, width: number): Promise<OutgoingFile> {
  const image = await Jimp.read(data);
  if (image.width > width) image.resize({ w: width });
  return { data: await image.getBuffer('image/jpeg', { quality: 70 }), mimetype: 'image/jpeg' };
}
