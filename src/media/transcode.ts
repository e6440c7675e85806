// `convert: true` on sendVoice/sendVideo: turns whatever the user has (MP3, WAV, M4A, WebM, MOV…)
// into what WhatsApp clients play inline — OGG/Opus voice notes and H.264/AAC MP4 video.
// The ffmpeg binary ships inside an npm package (@ffmpeg-installer), so nothing is downloaded at
// install or run time; ZAPD_FFMPEG_PATH points at another build.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError, notImplemented } from '../errors.ts';
import type { OutgoingFile } from '../engine/types.ts';

const TIMEOUT_MS = 120_000;
const MAX_ERROR_CHARS = 300;

let bundledPath: string | null | undefined;

function bundledFfmpeg(): string | null {
  if (bundledPath !== undefined) return bundledPath;
  try {
    // The package throws a plain string on platforms it has no binary for.
    const installer = createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string };
    bundledPath = installer.path;
  } catch {
    bundledPath = null;
  }
  return bundledPath;
}

export function ffmpegPath(): string | null {
  return process.env.ZAPD_FFMPEG_PATH || bundledFfmpeg();
}

interface Target {
  extension: string;
  mimetype: string;
  arguments: string[];
}

const VOICE: Target = {
  extension: 'ogg',
  mimetype: 'audio/ogg; codecs=opus',
  // Mono 48 kHz Opus at speech bitrate: what WhatsApp's own recorder produces.
  arguments: ['-vn', '-map_metadata', '-1', '-c:a', 'libopus', '-b:a', '32k', '-ar', '48000', '-ac', '1', '-application', 'voip', '-f', 'ogg'],
};

const VIDEO: Target = {
  extension: 'mp4',
  mimetype: 'video/mp4',
  // yuv420p and even dimensions: phones refuse H.264 in other pixel formats or odd sizes.
  arguments: [
    '-map_metadata', '-1',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-pix_fmt', 'yuv420p',
    '-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2',
    '-c:a', 'aac', '-b:a', '96k',
    '-movflags', '+faststart', '-f', 'mp4',
  ],
};

function run(binary: string, args: string[], directory: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: TIMEOUT_MS });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4_000);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      // ffmpeg names the temp files it failed on; the caller only needs to know what went wrong.
      const reason = signal ? `stopped by ${signal}` : (stderr.trim().split('\n').pop() ?? `exit code ${code}`).replaceAll(`${directory}/`, '');
      reject(new AppError(422, `the file could not be converted: ${reason.slice(0, MAX_ERROR_CHARS)}`));
    });
  });
}

async function transcode(file: OutgoingFile, target: Target, what: string): Promise<OutgoingFile> {
  const binary = ffmpegPath();
  if (!binary) throw notImplemented(`convert is not available: no ffmpeg for ${process.platform}-${process.arch}; set ZAPD_FFMPEG_PATH or send ${what}`);
  // Files, not pipes: MP4/MOV inputs keep their index at the end and need a seekable input, and
  // +faststart rewrites the output in place.
  const directory = await mkdtemp(join(tmpdir(), 'zapd-convert-'));
  try {
    const input = join(directory, 'input');
    const output = join(directory, `output.${target.extension}`);
    await writeFile(input, file.data);
    await run(binary, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', input, ...target.arguments, output], directory);
    const data = await readFile(output);
    const stem = file.filename?.replace(/\.[^.]*$/, '');
    return { data, mimetype: target.mimetype, ...(stem ? { filename: `${stem}.${target.extension}` } : {}) };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

export const toVoiceNote = (file: OutgoingFile) => transcode(file, VOICE, 'OGG/Opus audio');
export const toMp4Video = (file: OutgoingFile) => transcode(file, VIDEO, 'MP4 (H.264/AAC) video');
