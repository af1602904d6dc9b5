/**
 * In CI (`CI` set) a skipped test fails the run: a test that did not run proves nothing. Tests that
 * need root say so with `skipIf(!isRoot)` and a reason in their name; CI runs as root, so there they
 * must run. Outside CI a skip is only listed (a developer without root still gets a green run).
 * It also ends the run with one plain line, `vitest: N passed, N failed, N skipped`, that tools
 * reading a log can count without knowing vitest's own summary.
 */
import type { Reporter, TestCase } from 'vitest/node';

export default class RefuseSkips implements Reporter {
  private readonly skipped: string[] = [];
  private passed = 0;
  private failed = 0;

  onTestCaseResult(test: TestCase): void {
    const state = test.result().state;
    if (state === 'skipped') this.skipped.push(`${test.module.moduleId} › ${test.fullName}`);
    else if (state === 'passed') this.passed++;
    else if (state === 'failed') this.failed++;
  }

  onTestRunEnd(): void {
    const refuse = Boolean(process.env.CI);
    if (this.skipped.length > 0) {
      process.stderr.write(`\n${this.skipped.length} test(s) skipped${refuse ? ' (CI: a skip fails the run)' : ''}:\n`);
      for (const name of this.skipped.slice(0, 20)) process.stderr.write(`  ${name}\n`);
      if (refuse) process.exitCode = 1;
    }
    process.stdout.write(`\nvitest: ${this.passed} passed, ${this.failed} failed, ${this.skipped.length} skipped\n`);
  }
}
