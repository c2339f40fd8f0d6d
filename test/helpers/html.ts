// Checking and keeping the renderers' HTML in tests.
import { expect } from "chai";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./paths.js";

/** Every opened element is closed, in order (void elements aside). */
export function expectBalanced(markup: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(\/?)>/g;
  for (const m of markup.matchAll(tag)) {
    const [, close, name, selfClose] = m;
    if (selfClose || ["br", "hr", "wbr"].includes(name.toLowerCase())) continue;
    if (!close) stack.push(name);
    else expect(stack.pop(), `closing </${name}> at ${m.index}`).to.equal(name);
  }
  expect(stack, "unclosed elements").to.deep.equal([]);
}

/** test/artifacts/NAME.html and NAME-dark.html (the page colours of JupyterLab's dark theme), to look at. */
export function writeArtifact(name: string, markup: string): void {
  const dir = join(ROOT, "test", "artifacts");
  mkdirSync(dir, { recursive: true });
  const page = (body: string) => `<!doctype html><meta charset="utf-8"><body style="margin:16px;${body}">${markup}</body>\n`;
  writeFileSync(join(dir, `${name}.html`), page("background:#fff;color:#000"));
  writeFileSync(join(dir, `${name}-dark.html`), page("background:#111;color:rgba(255,255,255,0.87)"));
}
