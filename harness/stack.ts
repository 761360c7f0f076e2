/**
 * Real local servers for tests: the Temporal CLI dev server and moto, each in its own process
 * group so that stopping one also stops anything it spawned. The pieces live in their own files;
 * this one names them all for the importers.
 */
export { type ManagedProcess } from './managed-server';
export { defaultMotoBin, motoHandle, startMoto, type MotoOptions, type MotoServer } from './moto-server';
export {
  cmdlineOf,
  killProcessGroupSync,
  pidRuns,
  processGroupAlive,
  processStartTime,
  recordInTestRun,
  stopProcessGroup,
  type StopOptions,
} from './processes';
export { ROOT } from './root';
export {
  DEFAULT_TEMPORAL_BIN,
  SEARCH_ATTRIBUTES,
  startTemporalDevServer,
  temporalDevServerArgs,
  temporalDevServerHandle,
  type TemporalDevServer,
  type TemporalDevServerOptions,
} from './temporal-dev-server';
export { freePort, waitFor, type WaitForOptions } from './wait';
