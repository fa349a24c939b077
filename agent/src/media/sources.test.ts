import { describe, expect, it } from 'vitest';
import { SourceError, describeVideo, parseAudioSource, parseVideoSource, redactUrl } from './sources.js';

describe('parseVideoSource', () => {
  it('test is the test picture', () => {
    expect(parseVideoSource('test')).toEqual({ kind: 'test' });
  });

  it('clock is the test picture carrying its capture time', () => {
    expect(parseVideoSource('clock')).toEqual({ kind: 'clock' });
    expect(describeVideo({ kind: 'clock' })).toBe('clock picture');
  });

  it.each(['/dev/video0', '/dev/video12', '/dev/v4l/by-id/usb-Logitech_C920-video-index0'])(
    'v4l2:%s is a camera device',
    (device) => {
      expect(parseVideoSource(`v4l2:${device}`)).toEqual({ kind: 'v4l2', device });
    },
  );

  it.each(['video0', '/dev/', '/tmp/video0', '/dev/video0 -f', '/dev/video0;rm', '', '-i'])(
    'v4l2:%s is refused (must be a /dev path)',
    (device) => {
      expect(() => parseVideoSource(`v4l2:${device}`)).toThrow(SourceError);
      expect(() => parseVideoSource(`v4l2:${device}`)).toThrow(/must be a \/dev path/);
    },
  );

  it.each(['rtsp://192.0.2.10:554/stream1', 'rtsps://cam.local/live', 'rtsp://user:pass@cam/s?ch=1'])(
    '%s is an IP camera',
    (url) => {
      expect(parseVideoSource(url)).toEqual({ kind: 'rtsp', url });
    },
  );

  it.each(['rtsp://cam/s\nfile /etc/passwd', 'rtsp://cam/a b', 'rtsp://cam/s\t', 'rtsp://u:p@cam/\u0000'])(
    'refuses an rtsp URL with spaces or control characters (the URL parser would drop them): %j',
    (spec) => {
      expect(() => parseVideoSource(spec)).toThrow(/spaces or control characters/);
    },
  );

  it('refuses an rtsp URL that does not parse, without printing its credentials', () => {
    const spec = 'rtsp://admin:secret@cam:notaport/s';
    expect(() => parseVideoSource(spec)).toThrow(SourceError);
    let message = '';
    try {
      parseVideoSource(spec);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('not a valid URL');
    expect(message).not.toContain('secret');
    expect(message).toContain('rtsp://***@');
  });

  it.each(['clip.mp4', './clips/a.mp4', '/srv/video/loop.mkv', 'my clip.mp4', 'http://example.com/a.mp4'])(
    '%s is a file',
    (path) => {
      expect(parseVideoSource(path)).toEqual({ kind: 'file', path });
    },
  );

  it.each(['-i', '-filter_complex', '-y', '--help'])('refuses the option-like path %s', (spec) => {
    expect(() => parseVideoSource(spec)).toThrow('a file path must not start with "-"');
  });

  it('refuses an empty spec', () => {
    expect(() => parseVideoSource('')).toThrow('--video is empty');
  });

  it('is case sensitive: "Test" is a file name, "RTSP://" is not an IP camera', () => {
    expect(parseVideoSource('Test')).toEqual({ kind: 'file', path: 'Test' });
    expect(parseVideoSource('RTSP://cam/s')).toEqual({ kind: 'file', path: 'RTSP://cam/s' });
  });
});

describe('parseAudioSource', () => {
  const test = { kind: 'test' } as const;
  const rtsp = { kind: 'rtsp', url: 'rtsp://cam/s' } as const;

  it('test and none', () => {
    expect(parseAudioSource('test', test)).toEqual({ kind: 'test' });
    expect(parseAudioSource('none', test)).toEqual({ kind: 'none' });
  });

  it.each(['default', 'hw:1', 'plughw:CARD=USB,DEV=0', 'hw:1,0', 'sysdefault:CARD=PCH', 'a'.repeat(64)])(
    'alsa:%s',
    (device) => {
      expect(parseAudioSource(`alsa:${device}`, test)).toEqual({ kind: 'alsa', device });
    },
  );

  it.each(['', 'hw 1', 'hw:1;reboot', '/dev/snd/pcmC0D0c', 'a'.repeat(65), 'hw:1\n'])(
    'refuses alsa:%j',
    (device) => {
      expect(() => parseAudioSource(`alsa:${device}`, test)).toThrow(SourceError);
      expect(() => parseAudioSource(`alsa:${device}`, test)).toThrow(/ALSA device name/);
    },
  );

  it('rtsp audio needs an rtsp video', () => {
    expect(parseAudioSource('rtsp', rtsp)).toEqual({ kind: 'rtsp' });
    for (const video of [
      test,
      { kind: 'v4l2', device: '/dev/video0' },
      { kind: 'file', path: 'a.mp4' },
    ] as const) {
      expect(() => parseAudioSource('rtsp', video)).toThrow('--audio rtsp needs an rtsp:// --video');
    }
  });

  it.each(['mic', 'pulse', 'alsa', 'TEST', ''])('refuses the unknown spec %j', (spec) => {
    expect(() => parseAudioSource(spec, test)).toThrow('use test, alsa:<device>, rtsp or none');
  });
});

describe('redactUrl', () => {
  it('hides user and password', () => {
    expect(redactUrl('rtsp://admin:secret@192.0.2.10:554/s')).toBe('rtsp://***@192.0.2.10:554/s');
    expect(redactUrl('rtsp://token@cam/s')).toBe('rtsp://***@cam/s');
  });

  it('leaves URLs without credentials alone, even with @ in the path', () => {
    expect(redactUrl('rtsp://cam/s')).toBe('rtsp://cam/s');
    expect(redactUrl('rtsp://cam/users/a@b')).toBe('rtsp://cam/users/a@b');
  });

  // BUG: sources.ts redactUrl stops at the first "@", but `new URL` (which parseVideoSource uses to
  // accept the URL) splits userinfo at the last "@", so "rtsp://admin:p@ss@cam/s" is accepted and
  // logged as "rtsp://***@ss@cam/s", leaking the end of the password.
  it('hides a password that contains a raw "@"', () => {
    const spec = 'rtsp://admin:p@ss@cam/s';
    expect(parseVideoSource(spec)).toEqual({ kind: 'rtsp', url: spec });
    expect(redactUrl(spec)).toBe('rtsp://***@cam/s');
  });
});

describe('describeVideo', () => {
  it('describes each source for logs, without camera credentials', () => {
    expect(describeVideo({ kind: 'test' })).toBe('test picture');
    expect(describeVideo({ kind: 'v4l2', device: '/dev/video0' })).toBe('camera /dev/video0');
    expect(describeVideo({ kind: 'rtsp', url: 'rtsp://u:pw@cam/s' })).toBe('IP camera rtsp://***@cam/s');
    expect(describeVideo({ kind: 'file', path: 'a.mp4' })).toBe('file a.mp4');
  });
});
