#!/usr/bin/env node
/**
 * The `multiproc-worker` command (also `multiproc worker`): see worker.ts.
 *
 * @module
 */
import { workerMain } from './worker.js';

process.exitCode = await workerMain(process.argv.slice(2));
