/**
 * multiproc — Python's `multiprocessing` for Node.js, in one import.
 *
 * @packageDocumentation
 */
export * from '@multiproc/wire';
export * from '@multiproc/process';
export * from '@multiproc/queue';
export * from '@multiproc/lock';
export * from '@multiproc/pipe';
export * from '@multiproc/pool';
