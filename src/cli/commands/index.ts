// Registers every verb on the program. One line per command file.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { versionCommand } from './version.js';

export function registerCommands(program: Command, ctx: CliContext): void {
  versionCommand(program, ctx);
}
