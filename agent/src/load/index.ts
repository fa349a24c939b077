/** The load publisher: one encoder, many counters (benchmarks and the province demo). */
export { LoadPublisher, type LoadCounter, type LoadPublisherOptions } from './LoadPublisher.js';
export { RtpFanout, type FanoutTarget, type FanoutTrack } from './RtpFanout.js';
export { ShardedFanout, type Fanout } from './ShardedFanout.js';
export { SrtpSender } from './srtp.js';
export { loadEncoderArgs } from './encoderArgs.js';
