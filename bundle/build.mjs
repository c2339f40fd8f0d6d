// @ts-check
/**
 * `npm run build`, after tsc: the kernel as one file, the way the kernelspec and the test client
 * start it (dist/bundle/kernel.cjs). esbuild bundles kernel/main.ts and everything it imports,
 * dynamic imports included (they stay lazy: a module's code runs at its first import), into
 * dist/bundle/kernel-body.cjs; kernel.cjs (bundle/boot.cjs) loads it with V8's code cache.
 * A start then reads two files instead of resolving and loading some thirty ES modules, and Node
 * does not set up its ES module loader at all.
 *
 * CommonJS, not ESM: Node 20 keeps no code cache for ES modules (module.enableCompileCache came
 * with Node 22), and vm.Script, which takes one, runs scripts.
 *
 * zeromq's JavaScript is bundled too. Its native addon cannot be: zeromq finds it at run time
 * through cmake-ts's loader, which reads a manifest of prebuilt addons and tries them in turn (a
 * third of the kernel's start-up beyond Node's own, measured). The build asks that loader once,
 * here, which addon loads on this machine, and the bundle loads that file directly; should it fail
 * (node_modules moved or rebuilt since), zeromq's own loader runs as before.
 *
 * The output is ASCII (esbuild escapes the rest), so that the boot reads it as latin1: a one-byte
 * string that needs no UTF-8 decoding.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'bundle');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

/**
 * The addon zeromq's loader picks on this machine, relative to the bundle; undefined if none was
 * found (zeromq does not load here: the bundle then leaves the choice to zeromq at run time).
 */
function zeromqAddon() {
  const require = createRequire(import.meta.url);
  try {
    require('zeromq');
  } catch {
    return undefined;
  }
  const file = Object.keys(require.cache).find((f) => f.endsWith('.node') && f.includes(`${path.sep}zeromq${path.sep}`));
  return file && path.relative(out, file);
}

/** @returns {import('esbuild').Plugin} */
function zeromqAddonPlugin(/** @type {string | undefined} */ addon) {
  const loader = 'zeromq/lib/load-addon.js';
  return {
    name: 'zeromq-addon',
    setup(b) {
      b.onResolve({ filter: /^\.\/load-addon$/ }, (args) =>
        args.importer.includes(`${path.sep}zeromq${path.sep}lib${path.sep}`) ? { path: 'zeromq-addon', namespace: 'goperf' } : undefined,
      );
      b.onResolve({ filter: /^zeromq\/lib\/load-addon\.js$/ }, () => ({ path: loader, external: true }));
      b.onLoad({ filter: /.*/, namespace: 'goperf' }, () => ({
        loader: 'js',
        resolveDir: out,
        contents: addon
          ? `let addon;
try {
  addon = require(require("node:path").join(__dirname, ${JSON.stringify(addon)}));
} catch {
  addon = require(${JSON.stringify(loader)}).default;
}
module.exports = { __esModule: true, default: addon };`
          : `module.exports = require(${JSON.stringify(loader)});`,
      }));
    },
  };
}

/** @type {import('esbuild').BuildOptions} */
const common = { bundle: true, platform: 'node', target: 'node20', charset: 'ascii', logLevel: 'warning', legalComments: 'none', sourcemap: 'linked' };
await Promise.all([
  build({
    ...common,
    entryPoints: [path.join(root, 'kernel', 'main.ts')],
    outfile: path.join(out, 'kernel-body.cjs'),
    format: 'cjs',
    plugins: [zeromqAddonPlugin(zeromqAddon())],
    // The sources are ES modules that find files beside themselves through import.meta.url (the
    // helpers' Go sources above them): in the bundle that is the bundle's URL.
    define: { 'import.meta.url': '__goperfBundleUrl' },
    banner: { js: 'const __goperfBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  }),
]);
copyFileSync(path.join(root, 'bundle', 'boot.cjs'), path.join(out, 'kernel.cjs'));
// boot.cjs reads the body as latin1: a byte above 0x7f would change the code it runs.
const body = readFileSync(path.join(out, 'kernel-body.cjs'));
const wide = body.findIndex((byte) => byte > 0x7f);
if (wide >= 0) throw new Error(`dist/bundle/kernel-body.cjs is not ASCII (byte ${wide}): the boot reads it as latin1`);
