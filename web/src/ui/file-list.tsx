import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { OwnerGroup } from '../files/file-groups';
import { countFiles, formatBytes } from '../files/format';
import { ItemList, PAGE_ROWS, type FileListActions, type ListState } from './folder-tree';
import { PersonName } from './person-name';

export type { FileListActions } from './folder-tree';

interface Props {
  groups: readonly OwnerGroup[];
  actions: FileListActions;
  /** Files with a download under way. */
  busyFileIds?: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();

/** Open folders and shown rows: kept here, above the groups that the room's changes rebuild. */
function useListState(): ListState {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [shown, setShown] = useState<ReadonlyMap<string, number>>(new Map());
  return useMemo(
    () => ({
      isOpen: (key) => open.has(key),
      toggle: (key) =>
        setOpen((current) => {
          const next = new Set(current);
          if (!next.delete(key)) next.add(key);
          return next;
        }),
      shown: (key) => shown.get(key) ?? PAGE_ROWS,
      showMore: (key) => setShown((current) => new Map(current).set(key, (current.get(key) ?? PAGE_ROWS) + PAGE_ROWS)),
    }),
    [open, shown],
  );
}

/** The owner's line: how many files and bytes, counting ours still on their way to the list. */
function OwnerMeta({ group }: { group: OwnerGroup }) {
  const { pending } = group.counts;
  return (
    <span class="owner-meta">
      {countFiles(group.fileCount)} · {formatBytes(group.totalBytes)}
      {group.isSelf && pending > 0 ? ` · ${pending} being added` : ''}
    </span>
  );
}

/** The question "Stop sharing everything" asks; the safe answer has the focus when it appears. */
function StopSharingQuestion({ count, onStop, onKeep }: { count: number; onStop: () => void; onKeep: () => void }) {
  const keepButton = useRef<HTMLButtonElement>(null);
  useEffect(() => keepButton.current?.focus(), []);
  return (
    <div class="stop-sharing banner banner-warn" role="group" aria-label="Stop sharing everything?">
      <span>Stop sharing all {countFiles(count)}? They leave the list for everyone, and downloads of them stop.</span>
      <span class="banner-actions">
        <button type="button" class="button button-small" onClick={onStop}>
          Stop sharing
        </button>
        <button type="button" class="button button-small" ref={keepButton} onClick={onKeep}>
          Keep sharing
        </button>
      </span>
    </div>
  );
}

/** "Stop sharing everything", asked once more in place before anything goes. */
function StopSharing({ group, actions }: { group: OwnerGroup; actions: FileListActions }) {
  const [isAsking, setAsking] = useState(false);
  const askButton = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    // Back to the button that asked, not to the start of the page.
    if (wasAsking.current && !isAsking) askButton.current?.focus();
    wasAsking.current = isAsking;
  }, [isAsking]);
  if (group.fileCount === 0) return null;
  if (isAsking) {
    return (
      <StopSharingQuestion
        count={group.fileCount}
        onStop={() => {
          setAsking(false);
          actions.stopSharingAll();
        }}
        onKeep={() => setAsking(false)}
      />
    );
  }
  return (
    <div class="stop-sharing">
      <button type="button" class="button button-small" ref={askButton} onClick={() => setAsking(true)}>
        Stop sharing everything
      </button>
    </div>
  );
}

/** The room's files: one block per owner, its folders collapsed to one row each until opened. */
export function FileList({ groups, actions, busyFileIds = NONE }: Props) {
  const state = useListState();
  return (
    <div class="owners">
      {groups.map((group) => (
        <section key={group.ownerId} class="owner" aria-label={`Files of ${group.ownerName}`}>
          <h3 class="owner-title">
            <PersonName name={group.ownerName} publicId={group.ownerId} />
            {group.isSelf ? <span class="muted"> (you)</span> : null}
            {group.isHost ? <span class="tag">Host</span> : null}
            <OwnerMeta group={group} />
          </h3>
          {group.isSelf ? <StopSharing group={group} actions={actions} /> : null}
          <ItemList
            listKey={`${group.ownerId}\n`}
            folders={group.folders}
            files={group.files}
            ownerId={group.ownerId}
            isOwn={group.isSelf}
            state={state}
            actions={actions}
            busyFileIds={busyFileIds}
          />
        </section>
      ))}
    </div>
  );
}
