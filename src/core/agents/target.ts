import { usageError } from '../errors.js';
import { isValidName } from '../hosts/config.js';

/**
 * What the user pointed at. `[HOST:]PROJECT`, `[HOST:]SESSION:WINDOW` or `[HOST:]%N` (issue #2).
 * A PROJECT is a window of the agents session.
 */
export type Ref = { kind: 'window'; session: string; window: string } | { kind: 'pane'; paneId: string };

export interface Target {
  host: string | undefined;
  ref: Ref;
  /** What the user typed, for messages. */
  text: string;
}

const PANE_ID = /^%\d+$/;

export function validateProject(project: string): string {
  if (!isValidName(project)) {
    throw usageError(
      `invalid project name ${JSON.stringify(project)}`,
      'use letters, digits, "." "_" "-", not starting with "-" or "."',
    );
  }
  return project;
}

/**
 * Parse a TARGET. The first `:`-part is a host only when it names a known host, so `agents:x`
 * stays SESSION:WINDOW unless a host is called `agents`. Every name must pass `isValidName`:
 * hostile text is refused here, before anything runs (issue #6).
 */
export function parseTarget(text: string, session: string, isHost: (name: string) => boolean): Target {
  const parts = text.split(':');
  let host: string | undefined;
  if (parts.length > 1 && isHost(parts[0]!)) host = parts.shift();
  const bad = () =>
    usageError(`invalid target ${JSON.stringify(text)}`, 'use [HOST:]PROJECT, [HOST:]SESSION:WINDOW or [HOST:]%N');
  if (parts.length === 1) {
    const one = parts[0]!;
    if (PANE_ID.test(one)) return { host, ref: { kind: 'pane', paneId: one }, text };
    if (!isValidName(one)) throw bad();
    return { host, ref: { kind: 'window', session, window: one }, text };
  }
  if (parts.length === 2 && parts.every(isValidName)) {
    return { host, ref: { kind: 'window', session: parts[0]!, window: parts[1]! }, text };
  }
  throw bad();
}

/** The text a user would type to reach this agent, e.g. `thor:agents:gridplay-v1`. */
export const formatTarget = (host: string, ref: Ref): string =>
  ref.kind === 'pane' ? `${host}:${ref.paneId}` : `${host}:${ref.session}:${ref.window}`;
