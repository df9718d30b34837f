// A test fixture's bytes wherever the test runs: from disk in Node, over the test server's HTTP in the
// browser (Vitest's browser mode serves the repository). null when the file is not there.
export async function fixtureBytes(url: URL): Promise<Uint8Array | null> {
  if (url.protocol === 'file:') {
    const fs = await import('node:fs');
    return fs.existsSync(url) ? new Uint8Array(fs.readFileSync(url)) : null;
  }
  const r = await fetch(url);
  return r.ok ? new Uint8Array(await r.arrayBuffer()) : null;
}
