/** Parsing the output of the scripts in script.ts: `<marker> tag args...` lines open sections. */
/** The line prefix that opens a section; the nonce keeps pane text from faking one. */
export const markerFor = (nonce: string) => `@@trimtab-${nonce}@@`;

export interface Section {
  tag: string;
  args: string[];
  lines: string[];
}

export function parseSections(stdout: string, marker: string): Section[] {
  const sections: Section[] = [];
  const prefix = `${marker} `;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(prefix)) {
      const [tag = '', ...args] = line.slice(prefix.length).split(' ');
      sections.push({ tag, args, lines: [] });
    } else {
      sections.at(-1)?.lines.push(line); // text before the first marker (motd, a chatty rc file) is dropped
    }
  }
  return sections;
}

export const section = (sections: Section[], tag: string) => sections.find((s) => s.tag === tag);

/** Pane text without the blank rows tmux pads the screen with. */
export function trimScreen(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  return lines.slice(0, end);
}

/** tmux's answer when there is no server: zero agents there, not a failure (DESIGN.md, tmux). */
export const isNoServer = (text: string) => /no server running|error connecting to|no sessions/i.test(text);
