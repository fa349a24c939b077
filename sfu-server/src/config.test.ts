import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

type Env = Record<string, string | undefined>;

const BASE: Env = {
  CW_PUBLIC_URL: 'https://cw.example.vn',
  CW_DATA_DIR: '/var/lib/counterwatch',
};

/** The ConfigError for this env (fails the test if none is thrown). */
function configError(env: Env): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-server-config-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs as one process by default, and as control or media node only on PostgreSQL', () => {
    const single = loadConfig({ ...BASE, CW_HTTP_PORT: '8081', CW_WORKERS: '2' });
    expect(single.role).toBe('all');
    expect(single.node).toEqual({
      name: `${os.hostname()}-8081`.replace(/[^A-Za-z0-9._-]/g, '-'),
      url: null,
      capacity: 80,
    });
    expect(configError({ ...BASE, CW_ROLE: 'media' }).setting).toBe('CW_ROLE');
    expect(configError({ ...BASE, CW_ROLE: 'edge' }).setting).toBe('CW_ROLE');
    const pg = { ...BASE, CW_DATABASE_URL: 'postgres://cw@db/cw' };
    const media = loadConfig({
      ...pg,
      CW_ROLE: 'media',
      CW_NODE_NAME: 'hanoi-media-1',
      CW_NODE_URL: 'https://media1.cw.example.vn:8443',
      CW_NODE_CAPACITY: '120',
    });
    expect(media.role).toBe('media');
    expect(media.node).toEqual({
      name: 'hanoi-media-1',
      url: new URL('https://media1.cw.example.vn:8443'),
      capacity: 120,
    });
    expect(loadConfig({ ...pg, CW_ROLE: 'control' }).role).toBe('control');
    expect(configError({ ...pg, CW_NODE_NAME: 'a b' }).setting).toBe('CW_NODE_NAME');
    expect(configError({ ...pg, CW_NODE_URL: 'ws://x' }).setting).toBe('CW_NODE_URL');
    expect(configError({ ...pg, CW_NODE_CAPACITY: '0' }).setting).toBe('CW_NODE_CAPACITY');
  });

  it('fills in the defaults', () => {
    const config = loadConfig(BASE);
    expect(config.http).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(config.publicUrl.href).toBe('https://cw.example.vn/');
    expect(config.allowedOrigins).toEqual(['https://cw.example.vn']);
    expect(config.dataDir).toBe('/var/lib/counterwatch');
    expect(path.isAbsolute(config.consoleDir)).toBe(true);
    expect(config.consoleDir.endsWith(path.join('console', 'dist'))).toBe(true);
    expect(config.logLevel).toBe('info');
    expect(config.directoryFile).toBeNull();
    expect(config.bootstrapAdmin).toBe(true);
    expect(config.media).toEqual({
      workers: Math.max(1, os.availableParallelism()),
      workerBin: null,
      listenIp: '127.0.0.1',
      announcedIp: '127.0.0.1',
      webRtcPort: 40_000,
      webRtcTcp: true,
      udpBufferBytes: 2 * 1024 * 1024,
      rtcMinPort: 41_000,
      rtcMaxPort: 44_999,
      ingestHost: null,
      renditions: {
        grid: { name: 'grid', width: 320, height: 180, fps: 15, bitrateKbps: 150 },
        focus: { name: 'focus', width: 1280, height: 720, fps: 25, bitrateKbps: 1200 },
      },
      audioBitrateKbps: 32,
      keyframeIntervalSeconds: 1,
      reconnectGraceMs: 20_000,
    });
    expect(config.recording.ports).toEqual({ min: 30_000, max: 31_999 });
    expect(config.trustProxy).toEqual([]);
    expect(config.inspectionMaxMs).toBe(120 * 60_000);
  });

  it('reads every setting', () => {
    const config = loadConfig({
      ...BASE,
      CW_DATA_DIR: 'relative/data',
      CW_HTTP_HOST: '127.0.0.1',
      CW_HTTP_PORT: '0',
      CW_ALLOWED_ORIGINS: ' https://alt.example.vn/path , http://10.0.0.5:8080 ,',
      CW_LOG_LEVEL: 'debug',
      CW_MEDIA_LISTEN_IP: '0.0.0.0',
      CW_MEDIA_ANNOUNCED_IP: '203.0.113.9',
      CW_WEBRTC_PORT: '50000',
      CW_WEBRTC_TCP: 'no',
      CW_RTC_MIN_PORT: '50100',
      CW_RTC_MAX_PORT: '50100',
      CW_WORKERS: '3',
      CW_INGEST_HOST: 'media.example.vn',
      CW_GRID_RENDITION: '256x144@10:100',
      CW_FOCUS_RENDITION: '1920x1080@30:2500',
      CW_AUDIO_BITRATE_KBPS: '64',
      CW_KEYFRAME_INTERVAL_S: '0.5',
      CW_RECONNECT_GRACE_MS: '0',
      CW_BOOTSTRAP_ADMIN: 'false',
      CW_RECORDER_PORTS: ' 20000-20015 ',
    });
    expect(config.dataDir).toBe(path.resolve('relative/data'));
    expect(config.recording.ports).toEqual({ min: 20_000, max: 20_015 });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 0 });
    expect(config.allowedOrigins).toEqual([
      'https://cw.example.vn',
      'https://alt.example.vn',
      'http://10.0.0.5:8080',
    ]);
    expect(config.logLevel).toBe('debug');
    expect(config.bootstrapAdmin).toBe(false);
    expect(config.media).toMatchObject({
      workers: 3,
      listenIp: '0.0.0.0',
      announcedIp: '203.0.113.9',
      webRtcPort: 50_000,
      webRtcTcp: false,
      rtcMinPort: 50_100,
      rtcMaxPort: 50_100,
      ingestHost: 'media.example.vn',
      renditions: {
        grid: { name: 'grid', width: 256, height: 144, fps: 10, bitrateKbps: 100 },
        focus: { name: 'focus', width: 1920, height: 1080, fps: 30, bitrateKbps: 2500 },
      },
      audioBitrateKbps: 64,
      keyframeIntervalSeconds: 0.5,
      reconnectGraceMs: 0,
    });
  });

  it.each([
    ['CW_PUBLIC_URL', { CW_DATA_DIR: '/data' }],
    ['CW_DATA_DIR', { CW_PUBLIC_URL: 'https://cw.example.vn' }],
  ])('names the missing %s', (setting, env) => {
    const error = configError(env);
    expect(error.setting).toBe(setting);
    expect(error.message).toMatch(new RegExp(`^configuration: ${setting}: is required`));
  });

  it('treats an empty value as missing', () => {
    expect(configError({ ...BASE, CW_PUBLIC_URL: '' }).setting).toBe('CW_PUBLIC_URL');
  });

  it.each(['ftp://cw.example.vn', 'cw.example.vn', 'ws://cw.example.vn'])(
    'rejects the public URL %s',
    (url) => {
      const error = configError({ ...BASE, CW_PUBLIC_URL: url });
      expect(error.setting).toBe('CW_PUBLIC_URL');
      expect(error.message).toContain('must be an http(s) URL');
    },
  );

  describe('media addresses', () => {
    it.each(['0.0.0.0', '::'])('a wildcard listen IP %s needs CW_MEDIA_ANNOUNCED_IP', (ip) => {
      const error = configError({ ...BASE, CW_MEDIA_LISTEN_IP: ip });
      expect(error.setting).toBe('CW_MEDIA_ANNOUNCED_IP');
      expect(error.message).toContain(`is required when CW_MEDIA_LISTEN_IP is ${ip}`);
    });

    // BUG: config.ts only recognises the wildcard when spelled exactly "0.0.0.0" or "::". The same
    // IPv6 wildcard written "0:0:0:0:0:0:0:0" (or "::0") passes, and announcedIp silently becomes
    // the unroutable wildcard, which is then announced to browsers and agents.
    it('recognises the IPv6 wildcard in its long form', () => {
      expect(configError({ ...BASE, CW_MEDIA_LISTEN_IP: '0:0:0:0:0:0:0:0' }).setting).toBe(
        'CW_MEDIA_ANNOUNCED_IP',
      );
    });

    it('a specific listen IP is also the announced IP by default', () => {
      expect(loadConfig({ ...BASE, CW_MEDIA_LISTEN_IP: '192.0.2.4' }).media.announcedIp).toBe('192.0.2.4');
      expect(loadConfig({ ...BASE, CW_MEDIA_LISTEN_IP: '2001:db8::4' }).media.announcedIp).toBe(
        '2001:db8::4',
      );
    });

    it.each([
      ['CW_MEDIA_LISTEN_IP', 'localhost'],
      ['CW_MEDIA_LISTEN_IP', '256.1.1.1'],
      ['CW_MEDIA_ANNOUNCED_IP', 'media.example.vn'],
    ])('%s=%s must be an IP address', (setting, value) => {
      const error = configError({ ...BASE, [setting]: value });
      expect(error.setting).toBe(setting);
      expect(error.message).toContain('must be an IPv4 or IPv6 address');
    });
  });

  describe('ports and workers', () => {
    it.each([
      ['CW_WEBRTC_PORT', '0'],
      ['CW_WEBRTC_PORT', '65536'],
      ['CW_WEBRTC_PORT', 'http'],
      ['CW_RTC_MIN_PORT', '1.5'],
      ['CW_HTTP_PORT', '-1'],
      ['CW_WORKERS', '0'],
      ['CW_WORKERS', '65'],
      ['CW_AUDIO_BITRATE_KBPS', '4'],
      ['CW_KEYFRAME_INTERVAL_S', '0.1'],
      ['CW_KEYFRAME_INTERVAL_S', '11'],
      ['CW_RECONNECT_GRACE_MS', '600001'],
      ['CW_LOG_LEVEL', 'verbose'],
      ['CW_WEBRTC_TCP', 'maybe'],
      ['CW_UDP_BUFFER_KB', '32'],
      ['CW_UDP_BUFFER_KB', '1.5'],
      ['CW_UDP_BUFFER_KB', '65537'],
      ['CW_BOOTSTRAP_ADMIN', 'TRUE'],
    ])('names %s when it is %j', (setting, value) => {
      expect(configError({ ...BASE, [setting]: value }).setting).toBe(setting);
    });

    it('rejects an RTC port range that is upside down', () => {
      const error = configError({ ...BASE, CW_RTC_MIN_PORT: '42000', CW_RTC_MAX_PORT: '41000' });
      expect(error.setting).toBe('CW_RTC_MAX_PORT');
    });

    it.each(['30000', '30000-30014', '1000-2000', '60000-70000', 'a-b', '31999-30000'])(
      'rejects recorder ports %j',
      (value) => {
        const error = configError({ ...BASE, CW_RECORDER_PORTS: value });
        expect(error.setting).toBe('CW_RECORDER_PORTS');
        expect(error.message).toContain('not a range like 30000-31999');
      },
    );

    it('keeps recorder ports out of the RTC range', () => {
      const error = configError({ ...BASE, CW_RECORDER_PORTS: '44000-46000' });
      expect(error.setting).toBe('CW_RECORDER_PORTS');
      expect(error.message).toMatch(/overlap/);
    });

    it('sizes the media UDP buffers in KiB: 2 MiB unless told', () => {
      expect(loadConfig(BASE).media.udpBufferBytes).toBe(2 * 1024 * 1024);
      expect(loadConfig({ ...BASE, CW_UDP_BUFFER_KB: '512' }).media.udpBufferBytes).toBe(512 * 1024);
    });

    it('needs one WebRTC port per worker', () => {
      expect(loadConfig({ ...BASE, CW_WEBRTC_PORT: '65534', CW_WORKERS: '2' }).media.webRtcPort).toBe(65_534);
      const error = configError({ ...BASE, CW_WEBRTC_PORT: '65535', CW_WORKERS: '2' });
      expect(error.setting).toBe('CW_WEBRTC_PORT');
      expect(error.message).toContain('one port per worker');
    });

    it.each([
      ['true', true],
      ['1', true],
      ['yes', true],
      ['false', false],
      ['0', false],
      ['no', false],
    ])('reads the boolean %s as %s', (value, expected) => {
      expect(loadConfig({ ...BASE, CW_WEBRTC_TCP: value }).media.webRtcTcp).toBe(expected);
    });
  });

  describe('renditions', () => {
    it.each(['320x180', '320x180@15', '320*180@15:150', ' 320x180@15:150', '320x180@15:150k', '0x0@0:0:0'])(
      'CW_GRID_RENDITION=%j is not WxH@FPS:KBPS',
      (value) => {
        const error = configError({ ...BASE, CW_GRID_RENDITION: value });
        expect(error.setting).toBe('CW_GRID_RENDITION');
        expect(error.message).toContain('must look like 320x180@15:150');
        expect(error.message).toContain(`got "${value}"`);
      },
    );

    it.each(['32x180@15:150', '320x180@0:150', '320x180@61:150', '320x180@15:10', '4000x180@15:150'])(
      'CW_GRID_RENDITION=%s is out of range',
      (value) => {
        expect(configError({ ...BASE, CW_GRID_RENDITION: value }).setting).toBe('CW_GRID_RENDITION');
      },
    );

    it('names CW_FOCUS_RENDITION for a bad focus rendition', () => {
      expect(configError({ ...BASE, CW_FOCUS_RENDITION: '1280x720' }).setting).toBe('CW_FOCUS_RENDITION');
    });
  });

  describe('*_FILE variants', () => {
    it('reads a setting from NAME_FILE, trimmed', () => {
      const file = path.join(dir, 'public-url');
      fs.writeFileSync(file, '  https://from-file.example.vn  \n');
      const config = loadConfig({ CW_PUBLIC_URL_FILE: file, CW_DATA_DIR: '/data' });
      expect(config.publicUrl.host).toBe('from-file.example.vn');
    });

    it('prefers the direct value over the file', () => {
      const file = path.join(dir, 'grid');
      fs.writeFileSync(file, '256x144@10:100');
      const config = loadConfig({
        ...BASE,
        CW_GRID_RENDITION: '320x180@15:150',
        CW_GRID_RENDITION_FILE: file,
      });
      expect(config.media.renditions.grid.width).toBe(320);
    });

    it('uses the file when the direct value is empty', () => {
      const file = path.join(dir, 'grid');
      fs.writeFileSync(file, '256x144@10:100\n');
      const config = loadConfig({ ...BASE, CW_GRID_RENDITION: '', CW_GRID_RENDITION_FILE: file });
      expect(config.media.renditions.grid.width).toBe(256);
    });

    it('names NAME_FILE when the file cannot be read', () => {
      const missing = path.join(dir, 'missing');
      const error = configError({ ...BASE, CW_LOG_LEVEL_FILE: missing });
      expect(error.setting).toBe('CW_LOG_LEVEL_FILE');
      expect(error.message).toContain(`cannot read ${missing}`);
    });
  });

  describe('files that must exist', () => {
    it('CW_DIRECTORY_FILE must exist', () => {
      const missing = path.join(dir, 'directory.json');
      expect(configError({ ...BASE, CW_DIRECTORY_FILE: missing }).setting).toBe('CW_DIRECTORY_FILE');
      fs.writeFileSync(missing, '{}');
      expect(loadConfig({ ...BASE, CW_DIRECTORY_FILE: missing }).directoryFile).toBe(missing);
    });

    it('MEDIASOUP_WORKER_BIN must exist', () => {
      const bin = path.join(dir, 'mediasoup-worker');
      const error = configError({ ...BASE, MEDIASOUP_WORKER_BIN: bin });
      expect(error.setting).toBe('MEDIASOUP_WORKER_BIN');
      expect(error.message).toContain('does not exist');
      fs.writeFileSync(bin, '');
      expect(loadConfig({ ...BASE, MEDIASOUP_WORKER_BIN: bin }).media.workerBin).toBe(bin);
    });
  });

  it('rejects an allowed origin that is not an http(s) URL', () => {
    expect(configError({ ...BASE, CW_ALLOWED_ORIGINS: 'https://ok.example.vn,not-a-url' }).setting).toBe(
      'CW_ALLOWED_ORIGINS',
    );
  });

  describe('reverse proxy and inspections', () => {
    it('trusts no proxy unless told, and names proxies the way express does', () => {
      for (const off of ['false', 'off', 'none', '0']) {
        expect(loadConfig({ ...BASE, CW_TRUST_PROXY: off }).trustProxy).toEqual([]);
      }
      expect(loadConfig({ ...BASE, CW_TRUST_PROXY: 'loopback' }).trustProxy).toEqual(['loopback']);
      expect(
        loadConfig({ ...BASE, CW_TRUST_PROXY: 'loopback, 10.0.0.0/8 ,192.0.2.7,fe80::/10' }).trustProxy,
      ).toEqual(['loopback', '10.0.0.0/8', '192.0.2.7', 'fe80::/10']);
    });

    it('refuses what is no proxy address (trusting everyone is not an option)', () => {
      for (const bad of ['true', 'proxy.example.vn', '10.0.0.0/99', 'loopback,*']) {
        const error = configError({ ...BASE, CW_TRUST_PROXY: bad });
        expect(error.setting).toBe('CW_TRUST_PROXY');
      }
    });

    it('reads the inspection maximum in minutes', () => {
      expect(loadConfig({ ...BASE, CW_INSPECTION_MAX_MINUTES: '45' }).inspectionMaxMs).toBe(45 * 60_000);
      expect(configError({ ...BASE, CW_INSPECTION_MAX_MINUTES: '0' }).setting).toBe(
        'CW_INSPECTION_MAX_MINUTES',
      );
      expect(configError({ ...BASE, CW_INSPECTION_MAX_MINUTES: 'soon' }).setting).toBe(
        'CW_INSPECTION_MAX_MINUTES',
      );
    });
  });
});

describe('operations settings', () => {
  it('takes a long metrics token, and none by default (admin sessions only)', () => {
    expect(loadConfig(BASE).metricsToken).toBeNull();
    const token = 'x'.repeat(32);
    expect(loadConfig({ ...BASE, CW_METRICS_TOKEN: token }).metricsToken).toBe(token);
    expect(configError({ ...BASE, CW_METRICS_TOKEN: 'short' }).setting).toBe('CW_METRICS_TOKEN');
    expect(configError({ ...BASE, CW_METRICS_TOKEN: `${token} ${token}` }).setting).toBe('CW_METRICS_TOKEN');
  });

  it('reads the free space the recordings disk must keep', () => {
    expect(loadConfig(BASE).recording.minFreeBytes).toBe(256 * 1024 * 1024);
    expect(loadConfig({ ...BASE, CW_RECORDING_MIN_FREE_MB: '0' }).recording.minFreeBytes).toBe(0);
    expect(configError({ ...BASE, CW_RECORDING_MIN_FREE_MB: '-1' }).setting).toBe('CW_RECORDING_MIN_FREE_MB');
  });
});
