import type { Locator, Page } from 'playwright-core';

// The UI contract both apps are built against: accessible names only, never CSS classes.

const LIST = 'xpath=following::*[self::ul or self::ol or @role="list"][1]';

export const client = {
  nameInput: (page: Page): Locator => page.getByLabel('Your name', { exact: true }),
  joinButton: (page: Page): Locator => page.getByRole('button', { name: 'Join', exact: true }),
  waitingHeading: (page: Page): Locator => page.getByRole('heading', { name: 'Waiting for the host', exact: true }),
  notAdmittedHeading: (page: Page): Locator => page.getByRole('heading', { name: 'Not admitted', exact: true }),
  /** Let in, then removed by the host (issue 12): not the same words as "Not admitted". */
  removedHeading: (page: Page): Locator => page.getByRole('heading', { name: 'Removed from the room', exact: true }),
  roomEndedHeading: (page: Page): Locator =>
    page.getByRole('heading', { name: 'The host ended this room', exact: true }),
  joinAgainButton: (page: Page): Locator => page.getByRole('button', { name: 'Ask to join again', exact: true }),
  /** "Tell the host your code: 7F3A" on the waiting screen. */
  ownCode: (page: Page): Locator => page.getByText(/^Tell the host your code:/),
  leaveRoomButton: (page: Page): Locator => page.getByRole('button', { name: 'Leave room', exact: true }),
  confirmLeaveButton: (page: Page): Locator => page.getByRole('button', { name: 'Leave the room', exact: true }),
};

/** A person's code as the apps show it beside their name ("Ana, code 7F3A" read out). */
export const PERSON_CODE = /\b[0-9A-F]{4}\b/;

export const master = {
  // The app may append a count of waiting people to the heading ("Join requests 2").
  joinRequestsHeading: (page: Page): Locator => page.getByRole('heading', { name: /^Join requests(?:\s+\d+)?$/ }),
  approveButton: (page: Page, name: string): Locator =>
    page.getByRole('button', { name: `Approve ${name}`, exact: true }),
  rejectButton: (page: Page, name: string): Locator =>
    page.getByRole('button', { name: `Reject ${name}`, exact: true }),
  removePersonButton: (page: Page, name: string): Locator =>
    page.getByRole('button', { name: `Remove ${name}`, exact: true }),
  // Named "Join link" followed by the address it shows (axe: label-content-name-mismatch).
  joinLink: (page: Page): Locator => page.getByRole('link', { name: /^Join link\s/ }),
  /** A pending request's row: its name and code. */
  joinRequest: (page: Page, name: string): Locator =>
    master.joinRequestsHeading(page).locator(LIST).getByRole('listitem').filter({ hasText: name }),
  endRoomButton: (page: Page): Locator => page.getByRole('button', { name: 'End room', exact: true }),
  confirmEndRoomButton: (page: Page): Locator =>
    page.getByRole('button', { name: 'End the room for everyone', exact: true }),
  qrCode: (page: Page): Locator => page.getByRole('img', { name: 'QR code of the join link', exact: true }),
  badTokenAlert: (page: Page): Locator => page.getByRole('alert').filter({ hasText: 'The master token is not valid' }),
};

/** What the room looks like on both pages (client room view and master tab). */
export const room = {
  peopleHeading: (page: Page): Locator => page.getByRole('heading', { name: 'People', exact: true }),
  filesHeading: (page: Page): Locator => page.getByRole('heading', { name: 'Shared files', exact: true }),
  /** The list that follows the "People" heading. */
  peopleList: (page: Page): Locator => room.peopleHeading(page).locator(LIST),
  person: (page: Page, name: string): Locator => room.peopleList(page).getByRole('listitem').filter({ hasText: name }),
  addFilesInput: (page: Page): Locator => page.getByLabel('Add files', { exact: true }),
  addFolderInput: (page: Page): Locator => page.getByLabel('Add folder', { exact: true }),
  /**
   * The innermost list item whose text contains `fileName`: files may sit inside owner or folder
   * groups that are list items themselves.
   */
  file: (page: Page, fileName: string): Locator =>
    page
      .getByRole('listitem')
      .filter({ hasText: fileName })
      .filter({ hasNot: page.getByRole('listitem') }),
  removeFileButton: (page: Page, fileName: string): Locator =>
    page.getByRole('button', { name: `Remove ${fileName}`, exact: true }),
  /** A folder's disclosure button (its last name segment, "day1"), open or not (aria-expanded). */
  folderToggle: (page: Page, folderName: string): Locator =>
    page.getByRole('button', { name: folderName, exact: true }).and(page.locator('[aria-expanded]')),
  removeFolderButton: (page: Page, folderPath: string): Locator =>
    page.getByRole('button', { name: `Remove folder ${folderPath}`, exact: true }),
  stopSharingButton: (page: Page): Locator =>
    page.getByRole('button', { name: 'Stop sharing everything', exact: true }),
  hostOfflineBanner: (page: Page): Locator => page.getByRole('status').filter({ hasText: 'The host is offline' }),
  reconnectingBanner: (page: Page): Locator => page.getByRole('status').filter({ hasText: 'Reconnecting' }),
};

/** Text posts (issue 12): the "Texts" section, its composer, and each post by a piece of its text. */
export const texts = {
  section: (page: Page): Locator => page.getByRole('region', { name: 'Texts', exact: true }),
  composer: (page: Page): Locator => page.getByLabel('Post a text', { exact: true }),
  postButton: (page: Page): Locator => texts.section(page).getByRole('button', { name: 'Post', exact: true }),
  post: (page: Page, fragment: string): Locator =>
    texts.section(page).getByRole('listitem').filter({ hasText: fragment }),
  copyButton: (post: Locator): Locator => post.getByRole('button', { name: 'Copy', exact: true }),
  removeButton: (post: Locator): Locator => post.getByRole('button', { name: 'Remove', exact: true }),
};

/** The sharer's side of downloads (issue 12): who fetches each of their files, and the keep-open line. */
export const uploads = {
  /** Under one of the sharer's files: the people downloading it. */
  ofFile: (page: Page, fileName: string): Locator =>
    room.file(page, fileName).getByRole('group', { name: 'Downloading from you', exact: true }),
  progress: (page: Page, askerName: string): Locator =>
    page.getByRole('progressbar', { name: `${askerName} downloading progress`, exact: true }),
  keepOpenStatus: (page: Page): Locator =>
    page.getByRole('status').filter({ hasText: 'Keep this tab open while people download' }),
};

/** Sizes as a person reads them: "512 B", "2 KiB", "1.5 MiB" (powers of 1024, named so: never "KB"). */
export const SIZE_TEXT = /\b\d+(?:\.\d)?\s(?:B|KiB|MiB|GiB|TiB)\b/;

/** Downloads (issue 4): the buttons on others' files and the "Downloads" list of the asker. */
export const downloads = {
  heading: (page: Page): Locator => page.getByRole('heading', { name: 'Downloads', exact: true }),
  downloadButton: (page: Page, fileName: string): Locator =>
    page.getByRole('button', { name: `Download ${fileName}`, exact: true }),
  downloadFolderButton: (page: Page, folderName: string): Locator =>
    page.getByRole('button', { name: `Download folder ${folderName}`, exact: true }),
  progress: (page: Page, name: string): Locator =>
    page.getByRole('progressbar', { name: `${name} progress`, exact: true }),
  /** One download of the list: the list item holding its progress bar. */
  item: (page: Page, name: string): Locator =>
    page.getByRole('listitem').filter({ has: downloads.progress(page, name) }),
  pauseButton: (page: Page, name: string): Locator => page.getByRole('button', { name: `Pause ${name}`, exact: true }),
  resumeButton: (page: Page, name: string): Locator =>
    page.getByRole('button', { name: `Resume ${name}`, exact: true }),
  cancelButton: (page: Page, name: string): Locator =>
    page.getByRole('button', { name: `Cancel ${name}`, exact: true }),
};
