/** Many trimtab commands in one Node process (test/fixtures/run-many.mjs): see that file for why. */

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { Lab } from './lab.js';

const RUN_MANY = path.resolve(import.meta.dirname, '../fixtures/run-many.mjs');

export interface Job {
  /** Jobs of one lane run in order; lanes run at the same time. */
  lane: string;
  argv: string[];
}

export interface JobResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run jobs through the built bundle's main(); one result per job, in job order. */
export async function runMany(lab: Lab, env: NodeJS.ProcessEnv, jobs: Job[]): Promise<JobResult[]> {
  const file = path.join(lab.dir, `jobs-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(jobs.map(({ lane, argv }) => ({ lane, argv }))));
  const r = await execa(process.execPath, [RUN_MANY, file, `${file}.out`], {
    env: { ...lab.env, ...env },
    extendEnv: false,
    reject: false,
    timeout: 900_000,
  });
  if (r.exitCode !== 0) throw new Error(`run-many failed (exit ${r.exitCode}): ${r.stderr}`);
  return JSON.parse(readFileSync(`${file}.out`, 'utf8')) as JobResult[];
}
