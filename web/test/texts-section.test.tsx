// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { utf8ByteCount, type FileInfo } from '@ferry/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { person, shared } from '@ferry/common/test/builders';
import { linkOf, textPostOffer, withoutTextPosts } from '../src/files/text-posts';
import { initialView, type SessionView } from '../src/session/session-view';
import { emptyOutbox, type OutboxState } from '../src/files/outbox-machine';
import { emptyRoom } from '../src/room/room-reducer';
import { TextsSection } from '../src/ui/texts-section';

afterEach(cleanup);

const XSS = '<img src=x onerror=alert(1)>';
const SCRIPT_URL = 'javascript:alert(1)';

const post = (id: string, owner: string, text: string): FileInfo =>
  shared(id, owner, 'Text', { size: utf8ByteCount(text), mime: 'text/plain', text });

function renderTexts(
  files: FileInfo[],
  options: { clipboard?: Pick<Clipboard, 'writeText'> | null; asHost?: boolean; outbox?: OutboxState } = {},
) {
  const view: SessionView = {
    ...initialView,
    ...(options.outbox ? { outbox: options.outbox } : {}),
    room: { ...emptyRoom, selfId: 'me', clients: [person('me', 'Me'), person('ana', 'Ana')], files },
  };
  const actions = {
    postText: vi.fn<(text: string) => string | null>(() => null),
    removeFile: vi.fn(),
    dismissRejected: vi.fn(),
    ...(options.asHost ? { removeOthersText: vi.fn() } : {}),
  };
  const clipboard = options.clipboard === undefined ? { writeText: vi.fn(() => Promise.resolve()) } : options.clipboard;
  render(<TextsSection view={view} actions={actions} clipboard={clipboard} />);
  return { actions, clipboard };
}

const item = (text: string) => screen.getByText(text, { normalizer: (s) => s }).closest('li') as HTMLElement;

describe('the texts section', () => {
  it('renders HTML-looking and javascript: texts inert, as text', () => {
    renderTexts([post('t1', 'ana', XSS), post('t2', 'ana', SCRIPT_URL)]);
    expect(document.querySelector('img')).toBeNull();
    expect(item(XSS).querySelector('pre')?.textContent).toBe(XSS);
    expect(item(SCRIPT_URL).querySelector('a')).toBeNull();
    expect(document.querySelectorAll('a')).toHaveLength(0);
  });

  it('links a text that is one http(s) URL, with noopener noreferrer', () => {
    renderTexts([post('t1', 'ana', 'https://example.com/x?y=1'), post('t2', 'ana', 'see https://example.com')]);
    const links = screen.getAllByRole('link', { name: 'Open link' });
    expect(links).toHaveLength(1);
    expect(links[0]?.getAttribute('href')).toBe('https://example.com/x?y=1');
    expect(links[0]?.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('keeps line breaks and tabs as typed', () => {
    renderTexts([post('t1', 'ana', 'user\tana\npassword\thunter2')]);
    expect(document.querySelector('pre')?.textContent).toBe('user\tana\npassword\thunter2');
  });

  it('copies a text with one click, and says how to copy when the page may not', async () => {
    const { clipboard } = renderTexts([post('t1', 'ana', 'hunter2')]);
    fireEvent.click(within(item('hunter2')).getByRole('button', { name: 'Copy' }));
    expect(clipboard?.writeText).toHaveBeenCalledWith('hunter2');
    await waitFor(() => expect(within(item('hunter2')).getByText('Copied.')).toBeTruthy());
    cleanup();

    renderTexts([post('t1', 'ana', 'hunter2')], { clipboard: null });
    fireEvent.click(within(item('hunter2')).getByRole('button', { name: 'Copy' }));
    expect(within(item('hunter2')).getByText(/copy it by hand/)).toBeTruthy();
    cleanup();

    renderTexts([post('t1', 'ana', 'hunter2')], {
      clipboard: { writeText: () => Promise.reject(new Error('denied')) },
    });
    fireEvent.click(within(item('hunter2')).getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(within(item('hunter2')).getByText(/copy it by hand/)).toBeTruthy());
  });

  it('offers Remove on your own texts only, and names who posted the others', () => {
    const { actions } = renderTexts([post('t1', 'ana', 'theirs'), post('t2', 'me', 'mine')]);
    expect(within(item('theirs')).queryByRole('button', { name: 'Remove' })).toBeNull();
    expect(within(item('theirs')).getByText('Ana')).toBeTruthy();
    fireEvent.click(within(item('mine')).getByRole('button', { name: 'Remove' }));
    expect(actions.removeFile).toHaveBeenCalledWith('t2');
  });

  it("lets the host remove anyone's text", () => {
    const { actions } = renderTexts([post('t1', 'ana', 'theirs')], { asHost: true });
    fireEvent.click(within(item('theirs')).getByRole('button', { name: 'Remove' }));
    expect(actions.removeOthersText).toHaveBeenCalledWith('t1');
    expect(actions.removeFile).not.toHaveBeenCalled();
  });

  it('shows our texts on their way and those the host turned down here, not in the files list', () => {
    const sending = post('p1', 'me', 'on its way');
    const refused = post('r1', 'me', 'said twice');
    const outbox: OutboxState = {
      ...emptyOutbox,
      requests: [{ reqId: 'q1', offers: [sending], status: { kind: 'sending', tries: 1 } }],
      rejected: [{ offer: refused, reason: 'the same text is already posted' }],
    };
    const { actions } = renderTexts([], { outbox });
    expect(within(item('on its way')).getByText('Posting…')).toBeTruthy();
    expect(within(item('said twice')).getByText(/Not posted: the same text is already posted/)).toBeTruthy();
    fireEvent.click(within(item('said twice')).getByRole('button', { name: 'Dismiss' }));
    expect(actions.dismissRejected).toHaveBeenCalledWith('r1');
    const filesOnly = withoutTextPosts(outbox);
    expect(filesOnly.requests).toEqual([]);
    expect(filesOnly.rejected).toEqual([]);
    expect(withoutTextPosts(emptyOutbox)).toBe(emptyOutbox);
  });

  it('posts what is typed and clears the box; a refusal is shown and the draft kept', () => {
    const { actions } = renderTexts([]);
    const box = screen.getByLabelText('Post a text');
    fireEvent.input(box, { target: { value: 'hello\nworld' } });
    fireEvent.click(screen.getByRole('button', { name: 'Post' }));
    expect(actions.postText).toHaveBeenCalledWith('hello\nworld');
    expect((box as HTMLTextAreaElement).value).toBe('');

    actions.postText.mockReturnValue('A text can be at most 4,096 characters.');
    fireEvent.input(box, { target: { value: 'too long' } });
    fireEvent.click(screen.getByRole('button', { name: 'Post' }));
    expect(screen.getByRole('alert').textContent).toMatch(/at most 4,096/);
    expect((box as HTMLTextAreaElement).value).toBe('too long');
  });
});

describe('textPostOffer and linkOf', () => {
  it('makes an offer the wire accepts, with \\n line ends and size in UTF-8 bytes', () => {
    const offer = textPostOffer('héllo\r\nworld', 'id1');
    expect(offer).toMatchObject({ id: 'id1', name: 'Text', text: 'héllo\nworld', size: 12 });
  });

  it('refuses blank, too long and control characters, in words', () => {
    expect(textPostOffer('  \n ', 'id')).toMatch(/Type something/);
    expect(textPostOffer('x'.repeat(4097), 'id')).toMatch(/at most 4,096 characters/);
    expect(textPostOffer('a\u0000b', 'id')).toMatch(/control characters/);
  });

  it('links only whole http(s) URLs', () => {
    expect(linkOf(' https://example.com/a ')).toBe('https://example.com/a');
    expect(linkOf('http://example.com')).toBe('http://example.com/');
    expect(linkOf(SCRIPT_URL)).toBeNull();
    expect(linkOf('JAVASCRIPT:alert(1)//https://x')).toBeNull();
    expect(linkOf('data:text/html,<script>')).toBeNull();
    expect(linkOf('see https://example.com')).toBeNull();
  });
});
