// The `coffer` command: `serve` starts the server; every option also reads COFFER_* variables.
import { Command, Option } from 'commander';
import { configSchema, envName, flagName, loadConfig } from './config/config.ts';
import { startApp } from './app.ts';
import { runCluster } from './app-cluster.ts';
import { registerOperatorCommands } from './cli/index.ts';
import { missingServerNodeFlags } from './runtime-flags.ts';
import { createLogger } from './util/logger.ts';

const program = new Command('coffer').description('S3-compatible object store with customer-provided-key encryption (SSE-C)');

const serve = program.command('serve').description('start the S3 server on the embedded store (one data folder)');
for (const [key, schema] of Object.entries(configSchema.shape)) {
  const defaultValue: unknown = schema.def.type === 'default' ? schema.def.defaultValue : undefined;
  const isBoolean = typeof defaultValue === 'boolean';
  const flag = isBoolean ? `--${flagName(key)}` : `--${flagName(key)} <value>`;
  const shownDefault = defaultValue === undefined || defaultValue === '' || isBoolean ? '' : ` (default: ${String(defaultValue)})`;
  serve.addOption(new Option(flag, `${schema.description ?? ''}${shownDefault} [env ${envName(key)}]`));
}
serve.action(async (flags: Record<string, unknown>) => {
  const config = loadConfig(flags);
  const missing = missingServerNodeFlags();
  if (missing.length > 0) {
    createLogger(config.logLevel).warn(
      { missing },
      'node was started without these flags (npm start and the coffer command pass them): large transfers will spend CPU on full garbage collections',
    );
  }
  if (config.workers > 1) {
    await runCluster(config);
    return;
  }
  const app = await startApp(config);
  const shutdown = (signal: string) => {
    console.log(`${signal}: finishing in-flight requests`);
    app.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
});

registerOperatorCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
