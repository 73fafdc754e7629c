import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';

async function start() {
  // Only in `vite build --mode e2e` (Playwright) or `vite --mode mock`: the Rust side is replaced
  // by the in-memory mock backend. Dead-code-eliminated from the app build.
  if (import.meta.env.MODE === 'e2e' || import.meta.env.MODE === 'mock') {
    const { installMocks } = await import('./e2e-mocks');
    installMocks();
  }
  const target = document.getElementById('app');
  if (target) mount(App, { target });
}

void start();
