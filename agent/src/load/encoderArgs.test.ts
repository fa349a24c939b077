import { describe, expect, it } from 'vitest';
import { loadEncoderArgs } from './encoderArgs.js';

describe('loadEncoderArgs', () => {
  const args = loadEncoderArgs({
    renditions: {
      grid: { name: 'grid', width: 320, height: 180, fps: 15, bitrateKbps: 150 },
      focus: { name: 'focus', width: 640, height: 360, fps: 20, bitrateKbps: 500 },
    },
    keyframeIntervalSeconds: 1,
    ports: { grid: 5000, focus: 5002, audio: 5004 },
    audioBitrateKbps: 32,
  });

  it('encodes picture and sound once: both renditions in VP8 with an explicit GOP, the tone in Opus', () => {
    const outputs = args.filter((a) => a.startsWith('rtp://'));
    expect(outputs).toEqual([
      'rtp://127.0.0.1:5002?pkt_size=1200&rtcpport=5002',
      'rtp://127.0.0.1:5000?pkt_size=1200&rtcpport=5000',
      'rtp://127.0.0.1:5004?pkt_size=1200&rtcpport=5004',
    ]);
    expect(args.filter((a) => a === 'libvpx')).toHaveLength(2);
    expect(args[args.indexOf('-c:a') + 1]).toBe('libopus');
    expect(args[args.indexOf('-b:a') + 1]).toBe('32k');
    expect(args.filter((a, i) => args[i - 1] === '-g')).toEqual(['20', '15']);
  });

  it('draws each rendition at its own rate, never thinning one picture to another rate (even frame spacing)', () => {
    const inputs = args.filter((a, i) => args[i - 1] === '-i');
    expect(inputs).toContain('testsrc2=size=640x360:rate=20');
    expect(inputs).toContain('testsrc2=size=320x180:rate=15');
    const graph = args[args.indexOf('-filter_complex') + 1]!;
    expect(graph).not.toMatch(/fps=|select=|split/);
    // The sound is the third input, and mapped as such.
    expect(inputs[2]).toMatch(/^sine=/);
    expect(args[args.indexOf('2:a') - 1]).toBe('-map');
  });
});
