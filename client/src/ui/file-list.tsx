import type { OwnerGroup } from '../files/file-groups';
import { countFiles, formatBytes } from '../files/format';
import { FileRow, type FileRowActions } from './file-row';

interface Props {
  groups: readonly OwnerGroup[];
  actions: FileRowActions;
}

/** The room's files, one block per owner and one list per folder inside it. */
export function FileList({ groups, actions }: Props) {
  return (
    <div class="owners">
      {groups.map((group) => (
        <section key={group.ownerId} class="owner" aria-label={`Files of ${group.ownerName}`}>
          <h3 class="owner-title">
            <span class="name-text">{group.ownerName}</span>
            {group.isSelf ? <span class="muted"> (you)</span> : null}
            {group.isHost ? <span class="tag">Host</span> : null}
            <span class="owner-meta">
              {countFiles(group.fileCount)} · {formatBytes(group.totalBytes)}
            </span>
          </h3>
          {group.folders.map((folder) => (
            <div key={folder.folder} class={folder.folder ? 'folder' : 'loose'}>
              {folder.folder ? (
                <h4 class="folder-title">
                  <span class="folder-icon" aria-hidden="true" />
                  <span class="name-text">{folder.folder}</span>
                </h4>
              ) : null}
              <ul class="files">
                {folder.entries.map((entry) => (
                  <FileRow key={entry.file.id} entry={entry} isOwn={group.isSelf} actions={actions} />
                ))}
              </ul>
            </div>
          ))}
        </section>
      ))}
    </div>
  );
}
