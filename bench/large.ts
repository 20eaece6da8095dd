// Large objects: 1 GiB PUT/GET, 1 and 4 streams, plain and SSE-C; multipart; aws s3 cp; peak memory.
import { execFile } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CompleteMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectCommand, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { inParallel, sdk, type SseKey } from './client.ts';
import { mibps, now, type Figure, type Figures } from './figures.ts';
import type { BenchOptions } from './options.ts';
import { MemorySampler } from './procfs.ts';
import type { Target } from './servers.ts';
import { patternStream, timedTransfer } from './transfer.ts';

const AWS = '/usr/bin/aws';
const run = promisify(execFile);

export interface LargePlan {
  target: Target;
  bucket: string;
  prefix: string;
  /** Plain only, single stream (the peer); or everything (Coffer). */
  full: boolean;
  sse: SseKey;
  /** The file written by the disk figure; uploaded by `aws s3 cp`. */
  sourceFile: string;
}

export async function runLarge(figures: Figures, options: BenchOptions, plan: LargePlan): Promise<void> {
  const { target, bucket, prefix } = plan;
  const size = options.largeSize;
  const who = target.name === 'coffer' ? 'Coffer' : 's3rver';
  const client = sdk(target, 8);
  const memory = new MemorySampler(target.pid);
  memory.start();
  try {
    const modes = plan.full ? (['plain', 'sse'] as const) : (['plain'] as const);
    // Every cell runs in each round, rounds in turn, and the median round is the figure: on a shared
    // VM one transfer swings by ±30%, and running plain and SSE-C side by side in every round keeps
    // a slow spell from landing on one of them only.
    const runs = new Map<string, Figure[]>();
    for (let round = 1; round <= options.largeRounds; round++) {
      for (const mode of modes) {
        const sse = mode === 'sse' ? plan.sse : undefined;
        const kind = mode === 'sse' ? 'SSE-C' : 'plain';
        for (const streams of plan.full ? [1, 4] : [1]) {
          const keys = Array.from({ length: streams }, (_, i) => `large-${mode}-${streams}-${i}`);
          const spec = { bucket, keys, sizeEach: size / streams, sse };
          for (const op of ['put', 'get'] as const) {
            const label = `${who} ${op.toUpperCase()} ${kind}, ${streams === 1 ? '1 stream' : `${streams} streams × ${size / streams / 1024 / 1024} MiB`}`;
            const id = `${prefix}.large.${op}.${mode}.${streams}`;
            memory.phase(`${op} ${mode} ×${streams}`);
            runs.set(id, [...(runs.get(id) ?? []), await timedTransfer(client, target.pid, { ...spec, op, label })]);
          }
          // The single-stream SSE-C object stays for the range and rotation figures; the rest frees disk.
          if (streams > 1 || mode === 'plain') await deleteKeys(client, bucket, keys);
        }
      }
    }
    for (const [id, figuresOfRounds] of runs) figures.set(id, medianRound(figuresOfRounds, `${prefix}.large`));
    if (plan.full) {
      memory.phase('multipart');
      await multipart(figures, options, client, plan);
      memory.phase('aws s3 cp');
      await awsCli(figures, options, plan);
      await deleteKeys(client, bucket, ['large-aws-cp']).catch(() => undefined);
    }
  } finally {
    const peak = memory.stop();
    figures.set(`${prefix}.rss.peak`, {
      label: `${who} peak resident memory during the large-object runs`, value: Math.max(peak.sampledMiB, peak.hwmMiB), unit: 'MiB',
      detail: { sampledPeakMiB: +peak.sampledMiB.toFixed(1), vmHwmMiB: +peak.hwmMiB.toFixed(1), beforeMiB: +memory.startMiB.toFixed(1), processesAtEnd: peak.processes, peakByPhaseMiB: memory.phasePeaks() },
    });
    client.destroy();
  }
}

/** The round with the median value, its detail kept, and every round's value beside it. */
function medianRound(rounds: Figure[], group: string): Figure {
  const sorted = [...rounds].sort((a, b) => a.value - b.value);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)] as Figure;
  if (rounds.length === 1) return middle;
  return {
    ...middle,
    detail: { ...middle.detail, rounds: rounds.map((r) => r.value.toFixed(0)).join(' / ') },
    rounds: { group, values: rounds.map((r) => r.value) },
  };
}

async function deleteKeys(client: S3Client, bucket: string, keys: string[]): Promise<void> {
  for (const key of keys) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/** 1 GiB in 16 MiB parts, 4 parts in flight, from create to complete. */
async function multipart(figures: Figures, options: BenchOptions, client: S3Client, plan: LargePlan): Promise<void> {
  const { bucket } = plan;
  const key = 'large-multipart';
  const size = options.largeSize;
  const partSizes: number[] = [];
  for (let left = size; left > 0; left -= options.partSize) partSizes.push(Math.min(options.partSize, left));
  const t0 = now();
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const parts: { ETag: string; PartNumber: number }[] = [];
  await inParallel(partSizes, 4, async (partSize, index) => {
    const res = await client.send(new UploadPartCommand({
      Bucket: bucket, Key: key, UploadId, PartNumber: index + 1, Body: patternStream(partSize), ContentLength: partSize,
    }));
    parts.push({ ETag: res.ETag ?? '', PartNumber: index + 1 });
  });
  parts.sort((a, b) => a.PartNumber - b.PartNumber);
  await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
  const ms = now() - t0;
  figures.set('coffer.multipart.put', {
    label: `Coffer multipart upload, ${partSizes.length} parts of ${options.partSize / 1024 / 1024} MiB, 4 in flight`,
    value: mibps(size, ms), unit: 'MiB/s', detail: { seconds: +(ms / 1000).toFixed(2), parts: partSizes.length },
  });
  await deleteKeys(client, bucket, [key]);
}

/** `aws s3 cp` up and down, with the CLI's defaults (8 MiB parts, 10 requests at once). */
async function awsCli(figures: Figures, options: BenchOptions, plan: LargePlan): Promise<void> {
  if (!options.withAwsCli || !existsSync(AWS)) {
    const reason = options.withAwsCli ? `${AWS} is not installed` : '--no-aws-cli';
    figures.skip('coffer.awscli.put', reason);
    figures.skip('coffer.awscli.get', reason);
    return;
  }
  const home = join(options.workDir, `aws-home-${process.pid}`);
  const caFile = join(options.workDir, `coffer-ca-${process.pid}.pem`);
  const downloaded = join(options.workDir, `aws-download-${process.pid}.bin`);
  writeFileSync(caFile, plan.target.ca);
  const env: NodeJS.ProcessEnv = {
    PATH: '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8',
    // The machine's AWS_CA_BUNDLE names the system store, which does not hold Coffer's self-signed CA.
    AWS_CA_BUNDLE: caFile,
    AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_ACCESS_KEY_ID: plan.target.accessKey, AWS_SECRET_ACCESS_KEY: plan.target.secretKey,
    AWS_DEFAULT_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '',
  };
  const url = `s3://${plan.bucket}/large-aws-cp`;
  const cli = async (args: string[]): Promise<number> => {
    const t0 = now();
    await run(AWS, ['--endpoint-url', plan.target.endpoint, 's3', 'cp', '--no-progress', ...args], { env, timeout: 900_000 });
    return now() - t0;
  };
  try {
    const up = await cli([plan.sourceFile, url]);
    figures.set('coffer.awscli.put', { label: 'Coffer `aws s3 cp` upload (aws-cli defaults)', value: mibps(options.largeSize, up), unit: 'MiB/s', detail: { seconds: +(up / 1000).toFixed(2) } });
    const down = await cli([url, downloaded]);
    figures.set('coffer.awscli.get', { label: 'Coffer `aws s3 cp` download to a file', value: mibps(options.largeSize, down), unit: 'MiB/s', detail: { seconds: +(down / 1000).toFixed(2) } });
  } finally {
    rmSync(downloaded, { force: true });
    rmSync(caFile, { force: true });
    rmSync(home, { recursive: true, force: true });
  }
}
