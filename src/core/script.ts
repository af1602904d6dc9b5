/**
 * What the scripts in remote/sh/ and the code that reads their answers agree on, and the checks made
 * on data before it is sent. The scripts themselves are remote/sh/*.sh; remote/scripts.ts puts them
 * together.
 */
import { usageError } from './errors.js';

/**
 * Fields of `list-panes -F`, TAB-separated, in the order remote/sh/list.sh (list_panes) asks for them.
 * window_name is last: it may hold tabs; titles are escaped by tmux.
 */
export const PANE_FIELDS = [
  'pane_id',
  'session_name',
  'pane_current_command',
  'window_id',
  'window_index',
  'pane_index',
  'pane_active',
  'pane_dead',
  'pane_dead_status',
  'window_activity',
  'pane_in_mode',
  'pane_current_path',
  'pane_title',
  'pane_pid',
  'window_name',
] as const;
export const PANE_FORMAT = PANE_FIELDS.map((f) => `#{${f}}`).join('\t');

/**
 * Text that cannot travel byte for byte is refused up front. A bracketed paste ends at ESC[201~: text
 * after it would arrive as typed keys, where a CR submits. argv can't carry NUL at all.
 */
export function checkPasteable(text: string): void {
  if (text.includes('\x1b[201~'))
    throw usageError('text contains ESC[201~ (the end of a bracketed paste)', 'remove it; it cannot be sent safely');
  if (text.includes('\0')) throw usageError('text contains a NUL byte', 'remove it');
}
