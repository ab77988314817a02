import '@fontsource/noto-sans-sc/400.css';
import './styles.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { initApp } from './lib/app.svelte';
import { reshapeTextWhenFontsLoad } from './lib/fonts';
import { startRouter } from './lib/router.svelte';

reshapeTextWhenFontsLoad();
startRouter();
await initApp();
mount(App, { target: document.getElementById('app')! });
