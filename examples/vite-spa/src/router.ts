export type Route = {
  title: string;
  render: (root: HTMLElement) => void;
};

export function createRouter(root: HTMLElement, routes: Record<string, Route>, notFound: Route) {
  const resolve = () => {
    const route = routes[window.location.pathname] ?? notFound;
    document.title = `${route.title} · Vite SPA Example`;
    root.replaceChildren();
    route.render(root);
    for (const link of document.querySelectorAll<HTMLAnchorElement>('a[data-link]')) {
      if (link.pathname === window.location.pathname) {
        link.setAttribute('aria-current', 'page');
      } else {
        link.removeAttribute('aria-current');
      }
    }
  };

  // Client-side navigation: intercept in-app links and use the History API.
  document.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest<HTMLAnchorElement>('a[data-link]');
    if (!link || link.origin !== window.location.origin) return;
    event.preventDefault();
    if (link.pathname !== window.location.pathname) {
      window.history.pushState({}, '', link.pathname);
      resolve();
    }
  });
  window.addEventListener('popstate', resolve);

  return { start: resolve };
}
