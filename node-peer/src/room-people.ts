import type { ClientInfo, FromDaemon } from '@ferry/common';

/** The approved people of the room (the master included) as a Node peer hears of them, and our standing. */
export class RoomPeople {
  /** By publicId. */
  readonly clients = new Map<string, ClientInfo>();
  /** Our own standing: from the register ACK, then what follows ('approved' for the master). */
  status: ClientInfo['status'] = 'pending';

  apply(message: FromDaemon, selfId: string): void {
    switch (message.type) {
      case 'ROOM_STATE':
      case 'MASTER_APP_REGISTER_ACK':
        this.clients.clear();
        for (const client of message.clients)
          if (client.status === 'approved') this.clients.set(client.publicId, client);
        if (message.type === 'ROOM_STATE') this.status = 'approved';
        return;
      case 'CLIENT_APPROVED':
        this.clients.set(message.client.publicId, message.client);
        if (message.client.publicId === selfId) this.status = 'approved';
        return;
      case 'CLIENT_DIS_APPROVED':
        this.clients.delete(message.publicId);
        if (message.publicId === selfId) this.status = 'rejected';
        return;
      case 'CLIENT_LEFT':
        this.clients.delete(message.publicId);
        return;
      case 'CLIENT_DISCONNECTED':
      case 'CLIENT_RECONNECTED': {
        const client = this.clients.get(message.publicId);
        if (client) this.clients.set(client.publicId, { ...client, online: message.type === 'CLIENT_RECONNECTED' });
        return;
      }
      default:
        return;
    }
  }
}
