/**
 * What the scripts in remote/sh/ and the code that reads their answers agree on, and the checks made
 * on data before it is sent. The scripts themselves are remote/sh/*.sh; remote/scripts.ts puts them
 * together.
 */
import { usageError } from './errors.js';

/**
 * Fields of `list-panes -F`, in the order remote/sh/list.sh (list_panes) asks for them. First the ones
 * tmux prints as they are, TAB-separated: ids, numbers, flags, and pane_title (tmux drops control
 * characters from titles; select-pane -T refuses them).
 */
export const PANE_FIXED = [
  'pane_id',
  'window_id',
  'window_index',
  'pane_index',
  'pane_active',
  'pane_dead',
  'pane_dead_status',
  'window_activity',
  'pane_in_mode',
  'pane_title',
  'pane_pid',
] as const;
/**
 * Then free text that anyone on the host names, TABs and newlines included (a directory "a<TAB>b", a
 * window renamed to two lines, a process that renamed itself): each one is followed by the call's
 * separator, which no name can hold, so a record ends at its PANE_FREE.length + 1'th separator.
 */
export const PANE_FREE = ['session_name', 'pane_current_command', 'pane_current_path', 'window_name'] as const;
export const PANE_FIELDS = [...PANE_FIXED, ...PANE_FREE] as const;
/** The `-F` format list.sh builds for separator SEP. */
export const paneFormat = (sep: string) =>
  PANE_FIXED.map((f) => `#{${f}}`).join('\t') + sep + PANE_FREE.map((f) => `#{${f}}${sep}`).join('');

/**
 * Text that cannot travel byte for byte is refused up front. A bracketed paste ends at ESC[201~: text
 * after it would arrive as typed keys, where a CR submits. argv can't carry NUL at all.
 */
export function checkPasteable(text: string): void {
  if (text.includes('\x1b[201~'))
    throw usageError('text contains ESC[201~ (the end of a bracketed paste)', 'remove it; it cannot be sent safely');
  if (text.includes('\0')) throw usageError('text contains a NUL byte', 'remove it');
}
