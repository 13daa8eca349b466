import './style.css';
import { setupCounter } from './counter.ts';
import { createRouter } from './router.ts';

const root = document.querySelector<HTMLElement>('#app')!;

const router = createRouter(
  root,
  {
    '/': {
      title: 'Home',
      render(el) {
        el.innerHTML = `
          <h1>Vite SPA Example</h1>
          <p>A vanilla TypeScript single-page app built with Vite.</p>
          <button id="counter" type="button"></button>
        `;
        setupCounter(el.querySelector<HTMLButtonElement>('#counter')!);
      },
    },
    '/about': {
      title: 'About',
      render(el) {
        el.innerHTML = `
          <h1>About</h1>
          <p>This route is rendered on the client; the server must fall back to <code>index.html</code>.</p>
          <p>Built in <code>${import.meta.env.MODE}</code> mode.</p>
        `;
      },
    },
  },
  {
    title: 'Not found',
    render(el) {
      el.innerHTML = '<h1>Not found</h1><p>There is nothing here.</p>';
    },
  },
);

router.start();
