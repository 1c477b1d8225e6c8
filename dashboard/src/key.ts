const STORAGE = 'deskmetrics.key';

/**
 * The API key: from the URL fragment (`#key=…`, which browsers never send to a server) or, after that, from this tab's
 * sessionStorage. The fragment is removed from the address bar at once so the key is not bookmarked, shared or left
 * in the history. The key leaves the page only as the Authorization header of API requests.
 */
export function readKey(): string | null {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const fromFragment = fragment.get('key');
  if (fromFragment) {
    saveKey(fromFragment);
    fragment.delete('key');
    const rest = fragment.toString();
    window.history.replaceState(null, '', window.location.pathname + window.location.search + (rest ? `#${rest}` : ''));
  }
  return sessionStorage.getItem(STORAGE);
}

export function saveKey(key: string): void {
  sessionStorage.setItem(STORAGE, key.trim());
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE);
}
