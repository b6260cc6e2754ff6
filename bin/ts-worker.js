// Runs a TypeScript module in a worker thread: tsx's loader is registered per thread, so a worker started
// with this file and `workerData.entry` (a file URL) loads the project's TypeScript as the main thread does.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
