import { PATHS } from '../../protocol/index.js';

/** The placeholder page at `/` until the web UI is built: names the API, runs no script. */
export function renderHomePage(name: string, version: string): string {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(name)}</title>
</head>
<body>
<h1>${escape(name)} ${escape(version)}</h1>
<p>Start commands asynchronously, tail their logs live, get the real exit code.</p>
<p>The web UI is not built yet. The API (header <code>auth: &lt;key&gt;</code>):</p>
<ul>
<li><code>POST ${PATHS.exec}</code> <code>{"argv": [...]}</code> or <code>{"rpc-name": "...", "rpc-args": "{...}"}</code> → <code>{"uid"}</code></li>
<li><code>GET ${PATHS.exec}?uid=U&amp;range-start=N</code> → <code>{"url"}</code> or <code>{"exit"}</code></li>
<li><code>DELETE ${PATHS.exec}?uid=U</code> → cancel</li>
<li><code>GET ${PATHS.jobs}</code> → your recent jobs</li>
<li><code>GET ${PATHS.commands}</code> → registered commands</li>
<li><code>GET ${PATHS.version}</code></li>
</ul>
</body>
</html>
`;
}
