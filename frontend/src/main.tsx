import { config } from 'zod/mini';
import { render } from 'preact';
import { App } from './app/app.js';
import './style.css';

// The page's CSP allows no eval: zod must not try its compiled (new Function) parsers.
config({ jitless: true });

render(<App />, document.getElementById('app') as HTMLElement);
