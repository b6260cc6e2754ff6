/**
 * Converters from the public benchmarks (read from a directory given at run time, never copied into the
 * project) into sessions in the vendors' real telemetry shapes, labelled `safe` / `unsafe`:
 * R-Judge, RedCode-Exec Bash and Safe-OS. See `datasets/*.ts` for each mapping.
 */
export type { BinaryLabel, DatasetName, DatasetSession, LoadOptions } from './datasets/common.ts';
export { DEFAULT_DATASET_VENDORS } from './datasets/common.ts';
export { convertContents, loadRJudge, parseAction } from './datasets/rjudge.ts';
export type { RJudgeOptions, RJudgeSession, RJudgeSource } from './datasets/rjudge.ts';
export { loadRedCode } from './datasets/redcode.ts';
export { loadAtomic } from './datasets/atomic.ts';
export type { AtomicSession, AtomicSource } from './datasets/atomic.ts';
export type { RedCodeSession, RedCodeSource } from './datasets/redcode.ts';
export { SAFE_OS_FILES, deriveCommand, loadSafeOs } from './datasets/safe-os.ts';
export type { CommandSource, SafeOsSession, SafeOsSource } from './datasets/safe-os.ts';
