// Refreshes the server-rendered page every 2 s without reloading it. The fetched page is parsed
// into an inert document and its <main> swapped in whole; no markup is built from strings here.
(() => {
  const live = document.getElementById('live');
  const periodMs = 2000;

  async function refresh() {
    try {
      const response = await fetch(location.pathname, { cache: 'no-store', credentials: 'same-origin' });
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      const next = new DOMParser().parseFromString(await response.text(), 'text/html');
      for (const id of ['summary', 'main']) {
        const fresh = next.getElementById(id);
        const current = document.getElementById(id);
        if (fresh && current) {
          current.replaceWith(fresh);
        }
      }
      live.textContent = '\u25CF live';
      live.className = '';
    } catch (failure) {
      live.textContent = '\u25CF disconnected (' + failure.message + ')';
      live.className = 'down';
    } finally {
      setTimeout(refresh, periodMs);
    }
  }

  setTimeout(refresh, periodMs);
})();
