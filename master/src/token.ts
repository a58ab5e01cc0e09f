/** The master token from a URL fragment like "#token=abc" (the fragment never reaches a server). */
export function tokenFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token');
  return token && token.length > 0 ? token : null;
}

/**
 * `href` without the token in its fragment (other fragment parameters kept), or null when it has
 * none: once the identity the token unlocked is stored, the address bar and the history entry no
 * longer show it (a shoulder, a screen share or a synced history would otherwise carry it).
 */
export function addressWithoutToken(href: string): string | null {
  const url = new URL(href);
  const params = new URLSearchParams(url.hash.replace(/^#/, ''));
  if (!params.has('token')) return null;
  params.delete('token');
  const rest = params.toString();
  url.hash = rest === '' ? '' : `#${rest}`;
  // An empty fragment still leaves a bare '#': drop it too.
  return url.href.replace(/#$/, '');
}
