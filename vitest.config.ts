import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests share one sshd lab per file and drive real tmux servers:
    // run files one at a time so 2-core CI machines are not oversubscribed.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/refuse-skips.ts'],
  },
});
