import type { Section } from './protocol.js';

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
  /** A host script cut off part way: the sections that did arrive (a send knows from them whether it pasted). */
  readonly partial: Section[] | undefined;

  constructor(
    message: string,
    opts: { exitCode?: ExitCode; hint?: string; cause?: unknown; partial?: Section[] } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'TrimtabError';
    this.exitCode = opts.exitCode ?? EXIT.failed;
    this.hint = opts.hint;
    this.partial = opts.partial;
  }
}

export const usageError = (message: string, hint?: string) => new TrimtabError(message, { exitCode: EXIT.usage, hint });
