export { Random, type Weighted } from './random.js';
export {
  DEFAULT_OPEN_MINUTES,
  DEFAULT_OPENING_CLOCK_MINUTES,
  createArrivalProfile,
  type ArrivalProfile,
} from './profile.js';
export {
  CITIZEN_BEHAVIOUR,
  DEFAULT_SERVICE_WEIGHTS,
  SERVICE_ENTRIES,
  type ServiceEntry,
} from './citizens.js';
export { DepartmentDay, OPERATIONS, type DepartmentDayOptions, type SimCounter } from './DepartmentDay.js';
export { SimulationRunner, type SimulationRunnerOptions } from './SimulationRunner.js';
export { summarizeDay, type DayClock, type DaySummary } from './summary.js';
export { hourlyProfile, simulateStaffedDay, type StaffedDayResult } from './staffedDay.js';
