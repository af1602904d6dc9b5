/** A 40x20 terminal on its own tmux server, running one command: the menu driven as a person would. */
import { execa } from 'execa';
import { eventually } from './lab.js';

export class Pane {
  constructor(readonly socket: string) {}
  static async start(socket: string, command: string, env: NodeJS.ProcessEnv): Promise<Pane> {
    const vars = Object.entries(env)
      .filter(([k]) => /^(TRIMTAB_|PATH$|HOME$|TERM$|LANG$)/.test(k))
      .flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    await execa('tmux', [
      '-L',
      socket,
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-x',
      '40',
      '-y',
      '20',
      ...vars,
      command,
    ]);
    return new Pane(socket);
  }
  async screen(): Promise<string> {
    return (await execa('tmux', ['-L', this.socket, 'capture-pane', '-p'], { reject: false })).stdout;
  }
  async keys(...keys: string[]) {
    for (const k of keys) await execa('tmux', ['-L', this.socket, 'send-keys', k]);
  }
  async type(text: string) {
    await execa('tmux', ['-L', this.socket, 'send-keys', '-l', '--', text]);
  }
  async waitFor(pattern: RegExp | string, what = String(pattern)): Promise<string> {
    let last = '';
    await eventually(
      async () => {
        last = await this.screen();
        return typeof pattern === 'string' ? last.includes(pattern) : pattern.test(last);
      },
      `${what}; screen was:\n${last}`,
      15_000,
    ).catch(() => {
      throw new Error(`timed out waiting for ${what}; screen was:\n${last}`);
    });
    return last;
  }
  async stop() {
    await execa('tmux', ['-L', this.socket, 'kill-server'], { reject: false });
  }
}
