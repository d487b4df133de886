/**
 * Content-addressed file storage for model files: a file's key is its sha256, so identical uploads are
 * stored once and a checksum is a promise about the bytes. Local directory by default, memory for tests.
 */
export interface StoredBlob {
  /** `sha256:<hex>` */
  checksum: string;
  size: number;
}

export interface BlobStore {
  put(bytes: Uint8Array): Promise<StoredBlob>;
  /**
   * Stores a file already on disk whose checksum and size the caller computed while writing it (an
   * upload staged by the multipart parser). The file itself is left in place for the caller to remove.
   */
  putFile(path: string, file: StoredBlob): Promise<StoredBlob>;
  /** A path ONNX Runtime can open directly, when the store keeps blobs as files; otherwise undefined. */
  localPath?(checksum: string): Promise<string | undefined>;
  get(checksum: string): Promise<Uint8Array>;
  /** The stored bytes as a stream of parts, for files read front to back without holding them whole. */
  read(checksum: string): AsyncIterable<Uint8Array>;
  has(checksum: string): Promise<boolean>;
  delete(checksum: string): Promise<void>;
  stats(): Promise<{ files: number; bytes: number }>;
}

export const hexOf = (checksum: string): string => {
  const match = /^sha256:([0-9a-f]{64})$/.exec(checksum);
  if (!match) throw new Error(`not a sha256 checksum: ${checksum}`);
  return match[1]!;
};
