/** The shell scripts we ship pass shellcheck (issue #3), and the login script trimtab generates does too. */
import { execa } from 'execa';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../lab/lab.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('shellcheck', () => {
  it.each(['install.sh', 'scripts/test-setup.sh', '.ci/run'])('%s', async (file) => {
    const r = await execa('shellcheck', [path.join(ROOT, file)], { reject: false });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('the generated login script', async () => {
    const script = (await execa(process.execPath, [CLI, 'login', '--script', '/home/u/.local/bin/trimtab'])).stdout;
    const r = await execa('shellcheck', ['-s', 'sh', '-'], { input: script, reject: false });
    expect(r.stdout + r.stderr).toBe('');
  });
});
