// Bucket rules: creation and ownership, deletion only when empty, the lookups every request needs.
import { S3Error } from './errors.ts';
import { assertBucketAccess, type Principal } from './access.ts';
import type { Bucket } from './model.ts';
import type { MetadataStore } from './ports.ts';

export class BucketService {
  readonly #metadata: MetadataStore;

  constructor(metadata: MetadataStore) {
    this.#metadata = metadata;
  }

  async create(name: string, principal: Principal): Promise<Bucket> {
    const bucket: Bucket = { name, projectId: principal.projectId, createdAt: new Date() };
    if ((await this.#metadata.createBucket(bucket)) === 'created') return bucket;
    const existing = await this.#metadata.getBucket(name);
    // us-east-1 semantics of AWS: re-creating your own bucket is BucketAlreadyOwnedByYou (409).
    if (existing?.projectId === principal.projectId) throw new S3Error('BucketAlreadyOwnedByYou');
    throw new S3Error('BucketAlreadyExists');
  }

  /** The bucket, if it exists and the principal's project owns it. */
  async require(name: string, principal: Principal): Promise<Bucket> {
    const bucket = await this.#metadata.getBucket(name);
    if (!bucket) throw new S3Error('NoSuchBucket', undefined, { details: { BucketName: name } });
    assertBucketAccess(bucket, principal);
    return bucket;
  }

  async list(principal: Principal): Promise<Bucket[]> {
    return (await this.#metadata.listBuckets()).filter((b) => b.projectId === principal.projectId);
  }

  async delete(name: string, principal: Principal): Promise<void> {
    await this.require(name, principal);
    const outcome = await this.#metadata.deleteBucket(name);
    if (outcome === 'not-empty') throw new S3Error('BucketNotEmpty', undefined, { details: { BucketName: name } });
    if (outcome === 'missing') throw new S3Error('NoSuchBucket', undefined, { details: { BucketName: name } });
  }

  async setEncryption(name: string, principal: Principal, config: string | undefined): Promise<void> {
    await this.require(name, principal);
    await this.#metadata.setBucketEncryption(name, config);
  }
}
