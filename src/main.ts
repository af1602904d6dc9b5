/** The program that dist/trimtab.mjs carries: boot.ts compiles it, then calls start() when run as a command. */
import { main, report } from './cli.js';

export { main };

export function start(): void {
  // Work left running in the background (a late host answer) must not end in a stack trace.
  process.on('unhandledRejection', (error) => {
    process.exitCode = report(error);
  });
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
