export * from './provision.js';
export * from './processes.js';
export * from './Stack.js';
export * from './simulator/index.js';
export * from './queueSink.js';
export { DAY_MINUTES } from './simulatedDay.js';
