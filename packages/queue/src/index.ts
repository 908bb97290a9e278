// @rt/queue is the transport only: queue names, job payloads and JobData are the contract's
// (@rt/events).
export { type Processor, QueueBackend, type QueueBackendOptions, type TypedQueue, type WorkerOptions } from './backend';
export { DEFAULT_JOB_OPTIONS, queueKey } from './queue-settings';
