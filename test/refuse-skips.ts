/**
 * In CI (`CI` set) a skipped test fails the run: a test that did not run proves nothing. Tests that
 * need root say so with `skipIf(!isRoot)` and a reason in their name; CI runs as root, so there they
 * must run. Outside CI a skip is only listed (a developer without root still gets a green run).
 */
import type { Reporter, TestCase } from 'vitest/node';

export default class RefuseSkips implements Reporter {
  private readonly skipped: string[] = [];

  onTestCaseResult(test: TestCase): void {
    if (test.result().state === 'skipped') this.skipped.push(`${test.module.moduleId} › ${test.fullName}`);
  }

  onTestRunEnd(): void {
    if (this.skipped.length === 0) return;
    const refuse = Boolean(process.env.CI);
    process.stderr.write(`\n${this.skipped.length} test(s) skipped${refuse ? ' (CI: a skip fails the run)' : ''}:\n`);
    for (const name of this.skipped.slice(0, 20)) process.stderr.write(`  ${name}\n`);
    if (refuse) process.exitCode = 1;
  }
}
