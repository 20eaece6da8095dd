// The operator commands of `coffer`, for people without OpenStack tools: they talk to a running
// server through its own identity and key-manager APIs, so they work the same for any deployment.
import type { Command } from 'commander';
import { identityCommands } from './identity-commands.ts';
import { secretCommands } from './secret-commands.ts';

export function registerOperatorCommands(program: Command): void {
  for (const command of [...identityCommands(), secretCommands()]) program.addCommand(command);
}
