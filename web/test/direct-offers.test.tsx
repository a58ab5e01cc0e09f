// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { person, shared } from '@ferry/common/test/builders';
import { emptyUploads, type UploadsView } from '../src/transfers/uploads-publisher';
import { DirectOffers, SendToButton, type DirectOfferActions } from '../src/ui/direct-offers';
import { UploadsContext } from '../src/ui/file-uploads';

afterEach(cleanup);

const MIB = 1024 * 1024;
const clients = [person('ana', '<b>Ana</b>'), person('bo', 'Bo'), person('cleo', 'Cleo')];
const toCleo = shared('d1', 'ana', 'report.pdf', { size: 2 * MIB, to: 'cleo' });
const toBo = shared('d2', 'ana', 'secret.txt', { to: 'bo' });
const posted = shared('f1', 'ana', 'public.txt');

function fakeActions() {
  const calls = {
    acceptOffer: vi.fn<(fileId: string) => void>(),
    declineOffer: vi.fn<(fileId: string) => void>(),
    dismissDeclined: vi.fn<(fileId: string) => void>(),
    removeFile: vi.fn<(fileId: string) => void>(),
  };
  const actions: DirectOfferActions = { sendFiles: vi.fn(), ...calls };
  return { actions, calls };
}

function renderAs(
  selfId: string,
  options: { accepted?: string[]; acceptedSends?: string[]; uploads?: UploadsView; declined?: boolean } = {},
) {
  const { actions, calls } = fakeActions();
  render(
    <UploadsContext.Provider value={options.uploads ?? emptyUploads}>
      <DirectOffers
        files={[posted, toCleo, toBo]}
        clients={clients}
        selfId={selfId}
        declined={options.declined ? [{ fileId: 'd0', name: 'draft.doc', to: 'cleo' }] : []}
        accepted={new Set(options.accepted ?? [])}
        acceptedSends={new Set(options.acceptedSends ?? [])}
        actions={actions}
      />
    </UploadsContext.Provider>,
  );
  return calls;
}

describe('DirectOffers: the recipient is asked', () => {
  it('shows who sends what and how large, names as text, with Accept and Decline', () => {
    const actions = renderAs('cleo');
    const offers = screen.getByRole('list', { name: 'Files sent to you' });
    const item = within(offers).getByRole('listitem');
    expect(item.textContent).toContain('<b>Ana</b>, code');
    expect(item.textContent).toContain('wants to send you report.pdf (2 MiB)');
    expect(item.querySelector('b')).toBeNull();
    // Only the offer to Cleo: not the room's file, not Ana's offer to Bo.
    expect(offers.textContent).not.toContain('secret.txt');
    expect(offers.textContent).not.toContain('public.txt');
    fireEvent.click(within(item).getByRole('button', { name: 'Accept' }));
    expect(actions.acceptOffer).toHaveBeenCalledWith('d1');
    fireEvent.click(within(item).getByRole('button', { name: 'Decline' }));
    expect(actions.declineOffer).toHaveBeenCalledWith('d1');
  });

  it('asks no more once accepted, and shows nothing to someone with no direct files', () => {
    renderAs('cleo', { accepted: ['d1'] });
    expect(screen.queryByRole('list', { name: 'Files sent to you' })).toBeNull();
    cleanup();
    const { container } = render(
      <DirectOffers
        files={[posted]}
        clients={clients}
        selfId="bo"
        declined={[]}
        accepted={new Set()}
        actions={fakeActions().actions}
      />,
    );
    expect(container.textContent).toBe('');
  });
});

describe('DirectOffers: the sender follows each send', () => {
  it('says whom it waits for, and lets the sender cancel', () => {
    const actions = renderAs('ana');
    const sent = screen.getByRole('list', { name: 'Files you sent' });
    const items = within(sent).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('.direct-status')?.textContent)).toEqual([
      expect.stringMatching(/^Waiting for Cleo, code [0-9A-F]{4}$/),
      expect.stringMatching(/^Waiting for Bo, code [0-9A-F]{4}$/),
    ]);
    fireEvent.click(within(items[0] as HTMLElement).getByRole('button', { name: 'Cancel' }));
    expect(actions.removeFile).toHaveBeenCalledWith('d1');
  });

  it('says the recipient is downloading while they fetch it, and when they declined', () => {
    const uploads: UploadsView = {
      byFile: new Map([
        [
          'd1',
          [
            {
              transferId: 't1',
              asker: 'cleo',
              askerName: 'Cleo',
              bytesServed: MIB,
              totalBytes: 2 * MIB,
              bytesPerSecond: MIB,
            },
          ],
        ],
      ]),
      isAnyoneDownloading: true,
    };
    const actions = renderAs('ana', { uploads, declined: true });
    const sent = screen.getByRole('list', { name: 'Files you sent' });
    expect(sent.textContent).toMatch(/report\.pdf Cleo, code [0-9A-F]{4} is downloading \(50%\)/);
    const declined = within(sent).getAllByRole('listitem').at(-1) as HTMLElement;
    expect(declined.textContent).toMatch(/^draft\.doc Cleo, code [0-9A-F]{4} declined/);
    fireEvent.click(within(declined).getByRole('button', { name: 'Dismiss' }));
    expect(actions.dismissDeclined).toHaveBeenCalledWith('d0');
  });

  it('says the recipient accepted once they asked for it and are not fetching it now', () => {
    renderAs('ana', { acceptedSends: ['d1'] });
    const statuses = screen.getAllByText(/accepted|Waiting for/, { selector: '.direct-status' });
    expect(statuses.map((s) => s.textContent)).toEqual([
      expect.stringMatching(/^Cleo, code [0-9A-F]{4} accepted$/),
      expect.stringMatching(/^Waiting for Bo, code [0-9A-F]{4}$/),
    ]);
  });
});

describe('SendToButton', () => {
  it('is a file input named after the person, handing the picked files over', () => {
    const onPick = vi.fn();
    render(<SendToButton person={person('cleo', 'Cleo')} onPick={onPick} />);
    const input = screen.getByLabelText<HTMLInputElement>('Send a file to Cleo');
    const file = new File(['hello'], 'hello.txt', { type: 'text/plain' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    fireEvent.change(input);
    expect(onPick).toHaveBeenCalledWith([{ file }]);
  });
});
