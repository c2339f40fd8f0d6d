// @ts-check
/**
 * `npm run build`, after tsc: the kernel as one file, the way the kernelspec and the test client
 * start it (dist/bundle/kernel.cjs). esbuild bundles kernel/main.ts and everything it imports,
 * dynamic imports included (they stay lazy: a module's code runs at its first import), into
 * dist/bundle/kernel-body.cjs; kernel.cjs (bundle/boot.cjs) loads it with V8's code cache.
 * A start then reads two files instead of resolving and loading some thirty ES modules, and Node
 * does not set up its ES module loader at all. The watchdog, a process of its own, gets its own
 * bundle (dist/bundle/watchdog.js, where kernel/watchdog.ts looks for it beside the kernel).
 *
 * CommonJS, not ESM: Node 20 keeps no code cache for ES modules (module.enableCompileCache came
 * with Node 22), and vm.Script, which takes one, runs scripts. zeromq stays outside: it loads its
 * native addon from its own package directory.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'bundle');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

/** @type {import('esbuild').BuildOptions} */
const common = { bundle: true, platform: 'node', target: 'node20', external: ['zeromq'], logLevel: 'warning', legalComments: 'none', sourcemap: 'linked' };
await Promise.all([
  build({
    ...common,
    entryPoints: [path.join(root, 'kernel', 'main.ts')],
    outfile: path.join(out, 'kernel-body.cjs'),
    format: 'cjs',
    // The sources are ES modules that find files beside themselves through import.meta.url (the
    // watchdog's script, the parser's Go source above it): in the bundle that is the bundle's URL.
    define: { 'import.meta.url': '__goperfBundleUrl' },
    banner: { js: 'const __goperfBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  }),
  build({ ...common, entryPoints: [path.join(root, 'kernel', 'watchdog.ts')], outfile: path.join(out, 'watchdog.js'), format: 'esm' }),
]);
copyFileSync(path.join(root, 'bundle', 'boot.cjs'), path.join(out, 'kernel.cjs'));
