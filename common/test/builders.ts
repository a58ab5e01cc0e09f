import { limits, type ClientInfo, type FileInfo, type FileOffer } from '@ferry/common';

export function person(publicId: string, name: string, extra: Partial<ClientInfo> = {}): ClientInfo {
  return { publicId, name, status: 'approved', online: true, ...extra };
}

export function offer(id: string, name: string, extra: Partial<FileOffer> = {}): FileOffer {
  return { id, name, size: 100, chunkSize: limits.DEFAULT_CHUNK_BYTES, ...extra };
}

export function shared(id: string, owner: string, name: string, extra: Partial<FileInfo> = {}): FileInfo {
  return { ...offer(id, name), owner, ...extra };
}
