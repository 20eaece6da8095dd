// Several server processes on the same ports (node:cluster), so that every core works. The primary
// prepares the data folder once, forks the workers, prints the banner when they listen, replaces a
// worker that dies, and drains them all on SIGTERM. Workers die with the primary (cluster does it).
import cluster, { type Worker } from 'node:cluster';
import { startServices } from './app.ts';
import { bannerLines, prepareDataFolder, type ListenerUrls } from './app-prepare.ts';
import type { Config } from './config/config.ts';
import { createLogger } from './util/logger.ts';

interface ListeningMessage {
  type: 'coffer-listening';
  urls: ListenerUrls;
}

const isListening = (message: unknown): message is ListeningMessage =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'coffer-listening';

export async function runCluster(config: Config, print: (line: string) => void = console.log): Promise<void> {
  if (cluster.isPrimary) await runPrimary(config, print);
  else await runWorker(config);
}

async function runPrimary(config: Config, print: (line: string) => void): Promise<void> {
  const log = createLogger(config.logLevel);
  const prepared = await prepareDataFolder(config, log, true);
  let stopping = false;
  let announced = false;
  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on('message', (message: unknown) => {
      if (!isListening(message) || announced) return;
      announced = true;
      for (const line of bannerLines(prepared, message.urls)) print(line);
    });
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    log.error({ pid: worker.process.pid, code, signal }, 'server worker died; starting another');
    fork();
  });
  for (let i = 0; i < config.workers; i++) fork();
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    print(`${signal}: finishing in-flight requests`);
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    let left = workers.length;
    if (left === 0) process.exit(0);
    for (const worker of workers) {
      worker.once('exit', () => {
        left -= 1;
        if (left === 0) process.exit(0);
      });
      worker.process.kill('SIGTERM');
    }
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

async function runWorker(config: Config): Promise<void> {
  const log = createLogger(config.logLevel);
  const prepared = await prepareDataFolder(config, log, false);
  const app = await startServices(config, prepared, log);
  const message: ListeningMessage = {
    type: 'coffer-listening',
    urls: { s3: app.s3.url, identity: app.identity.url, keyManager: app.keyManager.url },
  };
  process.send?.(message);
  const stop = () => {
    app.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  // SIGINT from a terminal reaches the whole group; the primary coordinates the shutdown.
  process.on('SIGINT', () => undefined);
}
