export { type Processor, QueueBackend, type QueueBackendOptions, type TypedQueue, type WorkerOptions } from './backend';
export * from './contract';
