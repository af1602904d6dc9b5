/** What the terminal around us can do. */
export interface Terminal {
  stdinTTY: boolean;
  stdoutTTY: boolean;
  columns: number;
  rows: number;
  color: boolean;
}

export function detectTerminal(env: NodeJS.ProcessEnv = process.env): Terminal {
  const stdoutTTY = Boolean(process.stdout.isTTY);
  return {
    stdinTTY: Boolean(process.stdin.isTTY),
    stdoutTTY,
    columns: process.stdout.columns || Number(env.COLUMNS) || 80,
    rows: process.stdout.rows || Number(env.LINES) || 24,
    // NO_COLOR (no-color.org); no colour when stdout is not a terminal.
    color: stdoutTTY && !env.NO_COLOR && env.TERM !== 'dumb',
  };
}
