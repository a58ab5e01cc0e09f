import { describe, expect, it } from 'vitest';
import type { ClientStatus, ErrorCode, ToDaemon } from '@ferry/common';
import { ACCESS, refusalOf } from '../src/dispatch';

// The dispatcher's one table of who may send what (PROTOCOL.md §8 "who may send", §5 codes).
// The flows tests check the same refusals end to end; this table checks every cell at once.

type Sender = 'socket' | 'pending' | 'rejected' | 'approved' | 'master';

const SENDERS: Record<Sender, { status: ClientStatus; isMaster: boolean } | null> = {
  socket: null,
  pending: { status: 'pending', isMaster: false },
  rejected: { status: 'rejected', isMaster: false },
  approved: { status: 'approved', isMaster: false },
  master: { status: 'approved', isMaster: true },
};

const OK: Code = null;
const REGISTERED: ErrorCode = 'ALREADY_REGISTERED';
const UNREGISTERED: ErrorCode = 'NOT_REGISTERED';

type Code = ErrorCode | null;
/** One column per sender, in the order of SENDERS. */
type Row = [socket: Code, pending: Code, rejected: Code, approved: Code, master: Code];

const EXPECTED: Record<ToDaemon['type'], Row> = {
  MASTER_APP_REGISTER: [OK, REGISTERED, REGISTERED, REGISTERED, REGISTERED],
  CLIENT_REGISTER: [OK, REGISTERED, REGISTERED, REGISTERED, REGISTERED],
  APPROVE_CLIENT: [UNREGISTERED, 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', OK],
  DIS_APPROVE_CLIENT: [UNREGISTERED, 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', OK],
  ADD_FILES: [UNREGISTERED, 'NOT_APPROVED', 'NOT_APPROVED', OK, OK],
  FILES_ADDED: [UNREGISTERED, 'NOT_APPROVED', 'NOT_APPROVED', 'FORBIDDEN', OK],
  REMOVE_FILE: [UNREGISTERED, 'NOT_APPROVED', 'NOT_APPROVED', OK, OK],
  FILE_REMOVED: [UNREGISTERED, 'NOT_APPROVED', 'NOT_APPROVED', 'FORBIDDEN', OK],
  REMOVE_FILES: [UNREGISTERED, 'NOT_APPROVED', 'NOT_APPROVED', OK, OK],
  FILES_REMOVED: [UNREGISTERED, 'NOT_APPROVED', 'NOT_APPROVED', 'FORBIDDEN', OK],
  REQUEST_CHUNK: [UNREGISTERED, 'NOT_APPROVED', 'NOT_APPROVED', OK, OK],
  SIGNAL: [UNREGISTERED, 'NOT_APPROVED', 'NOT_APPROVED', OK, OK],
  CANCEL_TRANSFER: [UNREGISTERED, 'NOT_APPROVED', 'NOT_APPROVED', OK, OK],
  LEAVE: [UNREGISTERED, OK, OK, OK, 'FORBIDDEN'],
  REJECT_ALL_PENDING: [UNREGISTERED, 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', OK],
  END_ROOM: [UNREGISTERED, 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', OK],
};

describe('access rules: who may send each type', () => {
  const senders = Object.keys(SENDERS) as Sender[];
  const cases = (Object.keys(EXPECTED) as Array<ToDaemon['type']>).flatMap((type) =>
    senders.map((sender, column) => ({ type, sender, code: EXPECTED[type][column] ?? null })),
  );

  it.each(cases)('$type from $sender: $code', ({ type, sender, code }) => {
    expect(refusalOf(SENDERS[sender], ACCESS[type])?.code ?? null).toBe(code);
  });
});
