/** The client CLI's drill and schedule commands run in-process, with what they print captured. */
import type { CommandContext } from '../../../src/cli/peering-commands';
import { scheduleCommand } from '../../../src/cli/drill-commands';

export type Command = (c: CommandContext, argv: string[]) => Promise<number>;

/** `ctx` is read at each call, so it may be set in a beforeAll. */
export function inProcessCli(ctx: () => CommandContext) {
  /** Runs a command in-process and returns what it printed on stdout. */
  async function cli(command: Command, argv: string[]): Promise<{ code: number; out: string }> {
    const out: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      return { code: await command(ctx(), argv), out: out.join('\n') };
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  }
  const describeSchedule = async (name: string) =>
    JSON.parse((await cli(scheduleCommand, ['describe', name])).out) as Record<string, unknown>;
  return { cli, describeSchedule };
}
