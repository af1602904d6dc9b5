/** Exit codes: the contract in DESIGN.md ("Exit codes"). */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  unreachable: 3,
  cancelled: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * The one error type trimtab throws on purpose. `message` is one line saying what went wrong,
 * `hint` says what to do next. Only cli.ts prints it.
 */
export class TrimtabError extends Error {
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;

  constructor(message: string, opts: { exitCode?: ExitCode; hint?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'TrimtabError';
    this.exitCode = opts.exitCode ?? EXIT.failed;
    this.hint = opts.hint;
  }
}

export const usageError = (message: string, hint?: string) =>
  new TrimtabError(message, { exitCode: EXIT.usage, hint });
