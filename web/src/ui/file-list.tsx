import type { OwnerGroup } from '../files/file-groups';
import { countFiles, formatBytes } from '../files/format';
import { FileRow, type FileRowActions } from './file-row';
import { PersonName } from './person-name';

export interface FileListActions extends FileRowActions {
  downloadFolder(ownerId: string, folder: string): void;
}

interface Props {
  groups: readonly OwnerGroup[];
  actions: FileListActions;
  /** Files with a download under way. */
  busyFileIds?: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();

/** "a/b/c" -> ["a", "a/b"]: the folders above this one. */
function ancestorsOf(folder: string): string[] {
  const parts = folder.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

function FolderHead({
  folder,
  ownerId,
  canDownload,
  actions,
}: {
  folder: string;
  ownerId: string;
  canDownload: boolean;
  actions: FileListActions;
}) {
  return (
    <div class="folder-head">
      <h4 class="folder-title">
        <span class="folder-icon" aria-hidden="true" />
        <span class="name-text">{folder}</span>
      </h4>
      {canDownload ? (
        <button
          type="button"
          class="button button-small"
          aria-label={`Download folder ${folder}`}
          onClick={() => actions.downloadFolder(ownerId, folder)}
        >
          Download folder
        </button>
      ) : null}
    </div>
  );
}

/** The room's files, one block per owner and one list per folder inside it. */
export function FileList({ groups, actions, busyFileIds = NONE }: Props) {
  return (
    <div class="owners">
      {groups.map((group) => {
        // A folder holding only subfolders has no list of its own; it still gets a heading, so
        // it can be downloaded whole.
        const listed = new Set(group.folders.map((f) => f.folder));
        const headed = new Set<string>();
        return (
          <section key={group.ownerId} class="owner" aria-label={`Files of ${group.ownerName}`}>
            <h3 class="owner-title">
              <PersonName name={group.ownerName} publicId={group.ownerId} />
              {group.isSelf ? <span class="muted"> (you)</span> : null}
              {group.isHost ? <span class="tag">Host</span> : null}
              <span class="owner-meta">
                {countFiles(group.fileCount)} · {formatBytes(group.totalBytes)}
              </span>
            </h3>
            {group.folders.map((folder) => {
              const parents = ancestorsOf(folder.folder).filter((parent) => !listed.has(parent) && !headed.has(parent));
              for (const parent of parents) headed.add(parent);
              return (
                <div key={folder.folder} class={folder.folder ? 'folder' : 'loose'}>
                  {parents.map((parent) => (
                    <FolderHead
                      key={parent}
                      folder={parent}
                      ownerId={group.ownerId}
                      canDownload={!group.isSelf}
                      actions={actions}
                    />
                  ))}
                  {folder.folder ? (
                    <FolderHead
                      folder={folder.folder}
                      ownerId={group.ownerId}
                      canDownload={!group.isSelf}
                      actions={actions}
                    />
                  ) : null}
                  <ul class="files">
                    {folder.entries.map((entry) => (
                      <FileRow
                        key={entry.file.id}
                        entry={entry}
                        isOwn={group.isSelf}
                        isBusy={busyFileIds.has(entry.file.id)}
                        actions={actions}
                      />
                    ))}
                  </ul>
                </div>
              );
            })}
          </section>
        );
      })}
    </div>
  );
}
