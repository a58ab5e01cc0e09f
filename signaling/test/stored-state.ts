import type { Daemon } from './helpers';

/** Everything the daemon keeps, as plain data: identities, files, transfers, relay, the database. */
export function storedState(daemon: Daemon): string {
  const room = daemon.room;
  const peers = [...room.peers.all()]
    .map((p) => ({
      publicId: p.publicId,
      name: p.name,
      status: p.status,
      isMaster: p.isMaster,
      digest: p.privateIdDigest.toString('hex'),
      online: p.session !== null,
      files: [...p.fileIds].sort(),
    }))
    .sort((a, b) => a.publicId.localeCompare(b.publicId));
  const files = [...room.files.values()].sort((a, b) => a.id.localeCompare(b.id));
  const transfers = room.transfers.where(() => true).map((t) => ({ ...t, lastActivityMs: 0 }));
  const disk = room.store.load();
  const diskPeers = disk.peers.map((p) => ({ ...p, privateIdDigest: p.privateIdDigest.toString('hex') }));
  return JSON.stringify({
    peers,
    files,
    transfers,
    relay: [room.relay.bytes, room.relay.count],
    disk: { peers: diskPeers, files: disk.files },
  });
}
