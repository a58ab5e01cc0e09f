import type { Locator, Page } from 'playwright-core';

// The UI contract both apps are built against: accessible names only, never CSS classes.

const LIST = 'xpath=following::*[self::ul or self::ol or @role="list"][1]';

export const client = {
  nameInput: (page: Page): Locator => page.getByLabel('Your name', { exact: true }),
  joinButton: (page: Page): Locator => page.getByRole('button', { name: 'Join', exact: true }),
  waitingHeading: (page: Page): Locator => page.getByRole('heading', { name: 'Waiting for the host', exact: true }),
  notAdmittedHeading: (page: Page): Locator => page.getByRole('heading', { name: 'Not admitted', exact: true }),
};

export const master = {
  // The app may append a count of waiting people to the heading ("Join requests 2").
  joinRequestsHeading: (page: Page): Locator => page.getByRole('heading', { name: /^Join requests(?:\s+\d+)?$/ }),
  approveButton: (page: Page, name: string): Locator =>
    page.getByRole('button', { name: `Approve ${name}`, exact: true }),
  rejectButton: (page: Page, name: string): Locator =>
    page.getByRole('button', { name: `Reject ${name}`, exact: true }),
  removePersonButton: (page: Page, name: string): Locator =>
    page.getByRole('button', { name: `Remove ${name}`, exact: true }),
  joinLink: (page: Page): Locator => page.getByLabel('Join link', { exact: true }),
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

/** Sizes as a person reads them: "512 B", "2 KB", "1.5 MB" (KiB/MiB spellings accepted). */
export const SIZE_TEXT = /\b\d+(?:[.,]\d+)?\s?(?:B|bytes|KB|kB|KiB|MB|MiB|GB|GiB)\b/;

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
