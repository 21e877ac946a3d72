// The thread of startPageCheck (page-check.ts): one quick_check of a journal, its answer posted back.
import { parentPort, workerData } from 'node:worker_threads';
import { checkPages } from './page-check.ts';

parentPort?.postMessage(checkPages(workerData as string));
