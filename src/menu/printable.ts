/**
 * Text from a host made safe to draw: control characters shown as `^X` (C0, DEL) or `<XX>` (C1),
 * so a pane or a window name cannot move the cursor, change colours or retitle the phone's terminal.
 * A minimal local stand-in, the only one in src/menu: every line the menu draws passes through it
 * (screen.ts and view.ts); src/core/render/printable.ts is to replace it.
 */
export function printable(s: string): string {
  // Tabs become a space: a tab's width depends on the column it lands in, which breaks fitting.
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\t') return ' ';
    if (code < 0x20) return `^${String.fromCharCode(code + 64)}`;
    if (code === 0x7f) return '^?';
    return `<${code.toString(16).toUpperCase()}>`;
  });
}
