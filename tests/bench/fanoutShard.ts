/**
 * One share of the bare mediasoup run's relay (wall.ts): forked with its
 * counters' targets and keys over IPC, it answers with its input ports and
 * SRTP-protects what the bench's own relay passes on to it — the bare run's
 * publisher split over processes as the load publisher is (and at its
 * lower priority), so both runs get their streams alike.
 */
import os from 'node:os';
import { z } from 'zod';
import { RtpFanout } from '@counterwatch/agent/load';

const Targets = z.object({
  type: z.literal('targets'),
  targets: z.array(
    z.object({
      counterId: z.string(),
      track: z.enum(['grid', 'focus', 'audio']),
      target: z.object({
        host: z.string(),
        port: z.number().int(),
        ssrc: z.number().int(),
        payloadType: z.number().int(),
        key: z.string(),
      }),
    }),
  ),
});

// As the load publisher's shards: the SFU under test gets the CPU first.
try {
  os.setPriority(10);
} catch {
  // not allowed here
}
const fanout = await RtpFanout.create();
// The bench gone, nothing feeds this relay any more.
process.on('disconnect', () => {
  fanout.close();
  process.exit(0);
});
process.on('message', (message) => {
  const { targets } = Targets.parse(message);
  for (const t of targets) fanout.set(t.counterId, t.track, t.target);
  process.send?.({
    grid: fanout.inputPort('grid'),
    focus: fanout.inputPort('focus'),
    audio: fanout.inputPort('audio'),
  });
});
