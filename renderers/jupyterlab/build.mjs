#!/usr/bin/env node
// @ts-check
/**
 * Builds the JupyterLab MIME renderer extension (goperf-renderer) into a prebuilt extension:
 *
 *   node renderers/jupyterlab/build.mjs [--force] [--development]
 *
 * 1. tsc -p renderers/jupyterlab/tsconfig.json        src/*.ts → lib/renderers/jupyterlab/src/*.js,
 *    and the kernel's browser-safe modules they import (the report types, number formatting, decision
 *    kinds, Go tokens) → lib/<their repository path>.js: one copy of each, shared with the kernel
 * 2. @jupyterlab/builder's build-labextension          lib/ + style/ → labextension/
 *    (what `jupyter labextension build` runs, without Python), with --core-path core-meta: the
 *    part of JupyterLab's core metadata the extension needs (the modules it shares with the app).
 *
 * Skips both steps when labextension/package.json is newer than every input, the kernel modules
 * compiled last time included (--force rebuilds).
 * install.js copies labextension/ to <jupyter data dir>/labextensions/goperf-renderer. Both lib/
 * and labextension/ are build output (git-ignored). Without @jupyterlab/builder (an install without
 * dev dependencies) it says so and exits 0: JupyterLab then shows the kernel's static HTML.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const outDir = path.join(here, 'labextension');
const builtPackage = path.join(outDir, 'package.json');
const libDir = path.join(here, 'lib');
const repoRoot = path.resolve(here, '..', '..');
const inputs = ['src', 'style', 'core-meta', 'package.json', 'tsconfig.json', 'build.mjs'].map((p) => path.join(here, p));

/**
 * The repository's .ts files that tsc compiled into lib/ last time (lib/ mirrors their paths), or
 * null when there is no lib/.
 * @returns {string[] | null}
 */
function compiledSources() {
  if (!fs.existsSync(libDir)) return null;
  /** @type {string[]} */
  const out = [];
  /** @param {string} dir */
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) out.push(path.join(repoRoot, path.relative(libDir, p)).replace(/\.js$/, '.ts'));
    }
  };
  walk(libDir);
  return out;
}

function upToDate() {
  const sources = compiledSources();
  if (!sources || !fs.existsSync(builtPackage)) return false;
  try {
    return fs.statSync(builtPackage).mtimeMs >= Math.max(...[...inputs, ...sources].map(newestMtime));
  } catch {
    return false; // a source compiled last time is gone
  }
}

/** @param {string} p */
function newestMtime(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}

/** @param {string} id */
function resolveOrNull(id) {
  try {
    return require.resolve(id);
  } catch {
    return null;
  }
}

/**
 * @param {string} what
 * @param {string[]} args
 */
function runNode(what, args) {
  const started = Date.now();
  const r = spawnSync(process.execPath, args, { cwd: here, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    process.stderr.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
    console.error(`renderers/jupyterlab: ${what} failed (exit status ${r.status})`);
    process.exit(1);
  }
  return Date.now() - started;
}

const args = process.argv.slice(2);
const force = args.includes('--force');
const development = args.includes('--development');

if (!force && upToDate()) {
  console.log('renderers/jupyterlab: labextension/ is up to date');
  process.exit(0);
}

const tsc = resolveOrNull('typescript/bin/tsc');
const builder = resolveOrNull('@jupyterlab/builder/lib/build-labextension.js');
if (!tsc || !builder) {
  console.error(
    'renderers/jupyterlab: not building the JupyterLab extension: typescript and @jupyterlab/builder ' +
      '(dev dependencies) are not installed. Run npm install; until then JupyterLab shows the static HTML.',
  );
  process.exit(0);
}

fs.rmSync(libDir, { recursive: true, force: true });
const tscMs = runNode('tsc', [tsc, '-p', path.join(here, 'tsconfig.json')]);
const buildArgs = [builder, '--core-path', path.join(here, 'core-meta'), ...(development ? ['--development'] : []), here];
const buildMs = runNode('build-labextension', buildArgs);
// The builder writes package.json first and the bundles after: touch it so that it is the newest.
const now = new Date();
fs.utimesSync(builtPackage, now, now);
console.log(`renderers/jupyterlab: built ${path.relative(process.cwd(), outDir) || outDir} (tsc ${(tscMs / 1000).toFixed(1)} s, build-labextension ${(buildMs / 1000).toFixed(1)} s)`);
