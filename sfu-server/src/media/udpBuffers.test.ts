import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { grantedUdpBuffers, kernelUdpLimits, parseSnmpUdp, udpReceiveCounters } from './udpBuffers.js';

const SNMP = `Ip: Forwarding DefaultTTL InReceives
Ip: 1 64 123
Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
Udp: 1234567 12 3021 987 3001 0 0 0 0
UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
UdpLite: 0 0 0 0 0 0 0 0 0
`;

describe('media UDP buffers', () => {
  it('grants what the kernel allows and says when it cuts the request short', () => {
    expect(grantedUdpBuffers(2_097_152, { rmemMax: 4_194_304, wmemMax: 4_194_304 })).toEqual({
      receive: 2_097_152,
      send: 2_097_152,
      capped: false,
    });
    // Debian's defaults.
    expect(grantedUdpBuffers(2_097_152, { rmemMax: 212_992, wmemMax: 212_992 })).toEqual({
      receive: 212_992,
      send: 212_992,
      capped: true,
    });
    // Unknown limits: the request stands (the kernel still caps it).
    expect(grantedUdpBuffers(1_048_576, { rmemMax: null, wmemMax: null })).toEqual({
      receive: 1_048_576,
      send: 1_048_576,
      capped: false,
    });
  });

  it("reads the host's UDP counters from the Udp lines only (not UdpLite's)", () => {
    expect(parseSnmpUdp(SNMP)).toEqual({ inDatagrams: 1_234_567, receiveBufferErrors: 3001 });
    expect(parseSnmpUdp('Ip: Forwarding\nIp: 1\n')).toBeNull();
    expect(parseSnmpUdp('Udp: InDatagrams NoPorts\nUdp: 5 0\n')).toBeNull();
  });

  it('reads /proc, and answers null where it says nothing', async () => {
    const proc = await mkdtemp(path.join(os.tmpdir(), 'cw-proc-'));
    expect(await kernelUdpLimits(proc)).toEqual({ rmemMax: null, wmemMax: null });
    expect(await udpReceiveCounters(proc)).toBeNull();
    await mkdir(path.join(proc, 'sys/net/core'), { recursive: true });
    await mkdir(path.join(proc, 'net'));
    await writeFile(path.join(proc, 'sys/net/core/rmem_max'), '212992\n');
    await writeFile(path.join(proc, 'sys/net/core/wmem_max'), 'garbage\n');
    await writeFile(path.join(proc, 'net/snmp'), SNMP);
    expect(await kernelUdpLimits(proc)).toEqual({ rmemMax: 212_992, wmemMax: null });
    expect(await udpReceiveCounters(proc)).toEqual({ inDatagrams: 1_234_567, receiveBufferErrors: 3001 });
  });
});
