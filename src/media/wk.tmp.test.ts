import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
test('w', async () => { const w = new Worker(new URL('./wk-child.tmp.ts', import.meta.url), { workerData: 5 }); console.log(await new Promise((r, j) => { w.on('message', r); w.on('error', j); })); await w.terminate(); });
