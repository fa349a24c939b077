import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cameraInputArgs, cameraListFile, credentialRedactor, urlSecrets } from './camera.js';

describe('cameraListFile', () => {
  it('names the camera, over TCP, with a 5 s socket timeout', () => {
    expect(cameraListFile('rtsp://admin:pw@192.0.2.7:554/Streaming/Channels/101')).toBe(
      [
        'ffconcat version 1.0',
        "file 'rtsp://admin:pw@192.0.2.7:554/Streaming/Channels/101'",
        'option rtsp_transport tcp',
        'option timeout 5000000',
        '',
      ].join('\n'),
    );
  });

  it('escapes a quote the ffconcat way, and ffmpeg reads the URL back exactly', async () => {
    const url = "rtsp://127.0.0.1:1/it's?a=b";
    const text = cameraListFile(url);
    expect(text).toContain("file 'rtsp://127.0.0.1:1/it'\\''s?a=b'");
    // ffmpeg's own parser is the judge: it quotes the URL it tried to open.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-camera-'));
    try {
      const list = path.join(dir, 'camera.ffconcat');
      fs.writeFileSync(list, text);
      const stderr = await promisify(execFile)('ffprobe', ['-v', 'error', ...cameraInputArgs(list)]).then(
        () => '',
        (error: unknown) => (error as { stderr?: string }).stderr ?? '',
      );
      expect(stderr).toContain(`Impossible to open '${url}'`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(['rtsp://cam/s\nfile /etc/passwd', 'rtsp://cam/s\r', 'rtsp://cam/\u0000'])(
    'refuses a URL with control characters (a second directive): %j',
    (url) => {
      expect(() => cameraListFile(url)).toThrow(/control characters/);
    },
  );
});

describe('cameraInputArgs', () => {
  it('opens the list with the concat demuxer, only the protocols a camera needs', () => {
    expect(cameraInputArgs('/run/cw/camera.ffconcat')).toEqual([
      '-f',
      'concat',
      '-safe',
      '0',
      '-protocol_whitelist',
      'file,rtsp,rtsps,tcp,tls,udp,rtp,srtp,crypto,httpproxy',
      '-i',
      '/run/cw/camera.ffconcat',
    ]);
  });
});

describe('urlSecrets', () => {
  it('the password as written and decoded', () => {
    expect(urlSecrets('rtsp://admin:p%40ss%3Aw0rd@cam/s')).toEqual(['p%40ss%3Aw0rd', 'p@ss:w0rd']);
    expect(urlSecrets('rtsp://admin:plain@cam/s')).toEqual(['plain']);
  });

  it('none without a password, or for a URL that does not parse', () => {
    expect(urlSecrets('rtsp://cam/s')).toEqual([]);
    expect(urlSecrets('rtsp://admin@cam/s')).toEqual([]);
    expect(urlSecrets('not a url')).toEqual([]);
  });

  it('keeps a malformed percent-encoding as written', () => {
    expect(urlSecrets('rtsp://admin:bad%zzpass@cam/s')).toEqual(['bad%zzpass']);
  });
});

describe('credentialRedactor', () => {
  const redact = credentialRedactor(urlSecrets('rtsp://admin:p%40ss%3Aw0rd@cam/s'));

  it('blanks the user-info of every rtsp URL in the text', () => {
    expect(redact("Impossible to open 'rtsp://admin:p%40ss%3Aw0rd@cam/s' and rtsps://u:x@h/y")).toBe(
      "Impossible to open 'rtsp://***@cam/s' and rtsps://***@h/y",
    );
  });

  it('blanks the password wherever it appears, encoded or decoded', () => {
    expect(redact('auth p@ss:w0rd failed; raw p%40ss%3Aw0rd')).toBe('auth *** failed; raw ***');
  });

  it('a password that contains "@" is blanked whole in a URL', () => {
    const r = credentialRedactor(urlSecrets('rtsp://admin:a%40b%40c1@cam/s'));
    expect(r('rtsp://admin:a@b@c1@cam/s: 401')).toBe('rtsp://***@cam/s: 401');
  });

  it('leaves text alone when there is nothing to hide', () => {
    expect(credentialRedactor([])('frame=1 rtsp://cam/s')).toBe('frame=1 rtsp://cam/s');
  });

  it('does not search for very short passwords (they would blank ordinary text), but still blanks URLs', () => {
    const r = credentialRedactor(['123']);
    expect(r('frame=123 rtsp://u:123@cam/s')).toBe('frame=123 rtsp://***@cam/s');
  });
});
