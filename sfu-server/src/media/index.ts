/** The media layer, for benchmarks and tools that drive mediasoup the way the server does. */
export { ROUTER_MEDIA_CODECS, INGEST_PAYLOAD_TYPES, plainIngestRtpParameters } from './codecs.js';
export { WorkerPool, type WorkerSlot, type WorkerPoolOptions } from './WorkerPool.js';
export {
  DEFAULT_UDP_BUFFER_BYTES,
  grantedUdpBuffers,
  kernelUdpLimits,
  parseSnmpUdp,
  udpReceiveCounters,
  type UdpReceiveCounters,
} from './udpBuffers.js';
export { DepartmentRouter } from './DepartmentRouter.js';
export { CounterIngest } from './CounterIngest.js';
export { createRootLogger } from '../logger.js';
