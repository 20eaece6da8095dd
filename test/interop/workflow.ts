// Where every CLI workflow suite starts: an HTTPS server, a sandbox configured for each client, and
// the test tree written into one of the sandbox's folders.
import type { S3Client } from '@aws-sdk/client-s3';
import type { StartOptions, TestServer } from '../helpers/server.ts';
import { createSandbox, startHttpsServer, type Sandbox, type SandboxOptions } from './cli.ts';
import { makeTree, type Tree } from './tree.ts';

export interface Workflow {
  server: TestServer;
  box: Sandbox;
  tree: Tree;
  /** The sandbox folder that holds the tree. */
  folder: string;
}

export interface WorkflowOptions {
  server?: StartOptions;
  sandbox?: SandboxOptions;
}

/** When a later step fails, what was opened is closed here, so a failed `before` leaves no server behind. */
export async function openWorkflow(folderName: string, options: WorkflowOptions = {}): Promise<Workflow> {
  const server = await startHttpsServer(options.server);
  let box: Sandbox | undefined;
  try {
    box = createSandbox(server, options.sandbox);
    const folder = box.folder(folderName);
    return { server, box, tree: await makeTree(folder), folder };
  } catch (error) {
    await closeWorkflow({ server, box });
    throw error;
  }
}

/** For `after`: takes whatever was opened (nothing, when the suite was skipped or `before` failed). */
export async function closeWorkflow(opened: { server?: TestServer; box?: Sandbox; s3?: S3Client }): Promise<void> {
  opened.s3?.destroy();
  await opened.server?.stop();
  opened.box?.cleanup();
}

/** For the SSE-C suites: the server logs everything it can, so the leak scan reads the most it could print. */
export const TRACE_LOGGING: StartOptions = { env: { COFFER_LOG_LEVEL: 'trace' } };
