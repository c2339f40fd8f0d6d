#!/usr/bin/env node
// @ts-check
/**
 * Installs (or removes) the `goperf` Jupyter kernelspec, and the prebuilt JupyterLab renderer
 * extension `goperf-renderer` when it has been built (renderers/jupyterlab/labextension).
 *
 *   node install.js [--user | --sys-prefix | --prefix DIR] [--uninstall]
 *
 * Plain ESM JavaScript so that it runs with no build step and no Python. The pure parts
 * (`createKernelJson`, `jupyterDataDir`, `kernelsDir`, `kernelSpecDir`, `labextensionDir`,
 * `parseArgs`) are exported for the unit tests; `install`, `uninstall`, `installLabextension` and
 * `uninstallLabextension` do the file work; `main` runs only when this file is the program (not
 * when it is imported).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs as parseArgsStrict } from 'node:util';

/** Name of the kernelspec directory (`kernels/goperf`) and of the kernel for `--kernel=`. */
export const KERNEL_NAME = 'goperf';

/** Logo files copied from `kernel/kernelspec/` next to `kernel.json`. */
export const LOGO_FILES = Object.freeze(['logo-32x32.png', 'logo-64x64.png', 'logo-svg.svg']);

/** Absolute path of the repository (the directory holding this file). */
export const REPO_ROOT = path.dirname(fileURLToPath(import.meta.url));

/**
 * The kernel as the kernelspec starts it: the bundle `npm run build` makes (bundle/build.mjs), which
 * starts faster than dist/kernel/main.js, the same kernel as ES modules.
 */
export const KERNEL_MAIN = path.join(REPO_ROOT, 'dist', 'bundle', 'kernel.cjs');

/** Name of the JupyterLab MIME renderer extension (`labextensions/goperf-renderer`). */
export const LABEXTENSION_NAME = 'goperf-renderer';

/** Where `node renderers/jupyterlab/build.mjs` (run by `npm install`) puts the prebuilt extension. */
export const LABEXTENSION_BUILD_DIR = path.join(REPO_ROOT, 'renderers', 'jupyterlab', 'labextension');

export const USAGE = `Usage: node install.js [--user | --sys-prefix | --prefix DIR] [--gateway] [--uninstall]

Installs the Jupyter kernelspec "${KERNEL_NAME}" (kernel.json and logos) into
<jupyter data dir>/kernels/${KERNEL_NAME}, and the JupyterLab renderer extension, when it is built
(renderers/jupyterlab/labextension), into <jupyter data dir>/labextensions/${LABEXTENSION_NAME}.

  --user         (default) the user's Jupyter data dir: $JUPYTER_DATA_DIR, else
                 $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter
  --sys-prefix   <sys.prefix>/share/jupyter of the active Python environment, found
                 from $VIRTUAL_ENV, else $CONDA_PREFIX
  --prefix DIR   DIR/share/jupyter
  --gateway      a kernelspec for Jupyter Enterprise Gateway: its local process proxy named in
                 metadata.process_proxy, and this PATH (where go is found) in its env, since
                 the gateway gives kernels only the variables it is told to pass on
  --uninstall    remove the kernels/${KERNEL_NAME} and labextensions/${LABEXTENSION_NAME}
                 directories that the same options would install, and nothing else
  -h, --help     show this help`;

/**
 * @typedef {object} KernelJson
 * @property {string[]} argv
 * @property {string} display_name
 * @property {string} language
 * @property {'message' | 'signal'} interrupt_mode
 * @property {Record<string, string>} env
 * @property {{ debugger: boolean, process_proxy?: { class_name: string } }} metadata
 */

/**
 * package.json, the one source of the version and of the Node flags the kernel runs with
 * ("goperf".kernelNodeFlags); kernel/package.ts reads the same for the kernel, KernelClient and
 * the tests.
 * @type {{ version: string, goperf: { kernelNodeFlags: string[] } }}
 */
const PACKAGE = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
export const VERSION = PACKAGE.version;
/** @type {readonly string[]} */
export const KERNEL_NODE_FLAGS = Object.freeze([...PACKAGE.goperf.kernelNodeFlags]);

/** Enterprise Gateway's process proxy that launches a kernel on the gateway's own host. */
export const GATEWAY_LOCAL_PROXY = 'enterprise_gateway.services.processproxies.processproxy.LocalProcessProxy';

/**
 * Builds the kernel.json object. Pure.
 * @param {{ node: string, mainJs: string, gatewayPath?: string }} opts absolute paths of the node
 *   binary and of the kernel's entry point (KERNEL_MAIN); `gatewayPath`: the PATH a
 *   gateway-launched kernel gets (with --gateway)
 * @returns {KernelJson}
 */
export function createKernelJson({ node, mainJs, gatewayPath }) {
  if (!path.isAbsolute(node)) throw new Error(`node must be an absolute path: ${node}`);
  if (!path.isAbsolute(mainJs)) throw new Error(`mainJs must be an absolute path: ${mainJs}`);
  return {
    argv: [node, ...KERNEL_NODE_FLAGS, mainJs, '{connection_file}'],
    display_name: 'Go (perf)',
    language: 'go',
    interrupt_mode: 'message',
    env: gatewayPath === undefined ? {} : { PATH: gatewayPath },
    metadata: gatewayPath === undefined ? { debugger: false } : { debugger: false, process_proxy: { class_name: GATEWAY_LOCAL_PROXY } },
  };
}

/**
 * @typedef {'user' | 'sys-prefix' | 'prefix'} Flag
 * @typedef {{ [name: string]: string | undefined }} Env
 * @typedef {object} DirOptions
 * @property {Flag} [flag] where to install; default 'user'
 * @property {string} [prefix] the DIR of `--prefix DIR` (required when flag is 'prefix')
 * @property {Env} [env] environment variables (process.env in main)
 * @property {string} [home] the home directory (os.homedir() in main)
 * @property {NodeJS.Platform} [platform] default 'linux'
 */

/**
 * @param {NodeJS.Platform | undefined} platform
 * @returns {path.PlatformPath}
 */
function pathFor(platform) {
  return platform === 'win32' ? path.win32 : path.posix;
}

/**
 * The Jupyter data directory (the one holding `kernels/`) for the options, following
 * jupyter_core's rules. Pure: reads only its arguments. Throws an Error with a message meant
 * for the user when the directory cannot be determined.
 * @param {DirOptions} opts
 * @returns {string}
 */
export function jupyterDataDir({ flag = 'user', prefix, env = {}, home, platform = 'linux' }) {
  const pathApi = pathFor(platform);
  switch (flag) {
    case 'user': {
      if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
      if (platform === 'win32' && env.APPDATA) return pathApi.join(env.APPDATA, 'jupyter');
      if (!home) throw new Error('cannot find the home directory: set JUPYTER_DATA_DIR or pass --prefix DIR');
      if (platform === 'darwin') return pathApi.join(home, 'Library', 'Jupyter');
      if (platform === 'win32') return pathApi.join(home, 'AppData', 'Roaming', 'jupyter');
      if (env.XDG_DATA_HOME) return pathApi.join(env.XDG_DATA_HOME, 'jupyter');
      return pathApi.join(home, '.local', 'share', 'jupyter');
    }
    case 'sys-prefix': {
      const sysPrefix = env.VIRTUAL_ENV || env.CONDA_PREFIX;
      if (!sysPrefix) {
        throw new Error(
          '--sys-prefix needs an active Python environment ($VIRTUAL_ENV or $CONDA_PREFIX is not set). ' +
            'Activate it, or pass its prefix yourself: node install.js --prefix "$(python3 -c \'import sys; print(sys.prefix)\')"',
        );
      }
      return pathApi.join(sysPrefix, 'share', 'jupyter');
    }
    case 'prefix': {
      if (!prefix) throw new Error('--prefix needs a directory: --prefix DIR');
      return pathApi.join(prefix, 'share', 'jupyter');
    }
    default:
      throw new Error(`unknown install location: ${String(flag)}`);
  }
}

/**
 * The `kernels` directory that the kernelspec goes into: `<jupyter data dir>/kernels`. Pure.
 * @param {DirOptions} opts
 * @returns {string}
 */
export function kernelsDir(opts) {
  return pathFor(opts.platform).join(jupyterDataDir(opts), 'kernels');
}

/**
 * The kernelspec directory itself: `<jupyter data dir>/kernels/goperf`. Pure.
 * @param {DirOptions} opts
 * @returns {string}
 */
export function kernelSpecDir(opts) {
  return pathFor(opts.platform).join(kernelsDir(opts), KERNEL_NAME);
}

/**
 * The prebuilt extension's directory: `<jupyter data dir>/labextensions/goperf-renderer`, where
 * JupyterLab (and Notebook 7) look for prebuilt extensions. Pure.
 * @param {DirOptions} opts
 * @returns {string}
 */
export function labextensionDir(opts) {
  return pathFor(opts.platform).join(jupyterDataDir(opts), 'labextensions', LABEXTENSION_NAME);
}

/**
 * @typedef {object} CliOptions
 * @property {Flag} flag
 * @property {string} [prefix]
 * @property {boolean} uninstall
 * @property {boolean} gateway
 * @property {boolean} help
 */

/**
 * Parses the command line (without `node install.js`). Pure; throws on bad usage.
 * @param {readonly string[]} args
 * @returns {CliOptions}
 */
export function parseArgs(args) {
  /** @type {{ user?: boolean, 'sys-prefix'?: boolean, prefix?: string, uninstall?: boolean, gateway?: boolean, help?: boolean }} */
  let values;
  try {
    ({ values } = parseArgsStrict({
      args: [...args],
      options: {
        user: { type: 'boolean' },
        'sys-prefix': { type: 'boolean' },
        prefix: { type: 'string' },
        uninstall: { type: 'boolean' },
        gateway: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    const { code, message } = /** @type {Error & { code?: string }} */ (err);
    // A missing value, or one that looks like an option (`--prefix --user`).
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && message.includes('--prefix')) throw new Error('--prefix needs a directory: --prefix DIR');
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new Error(`unknown argument: ${/'([^']*)'/.exec(message)?.[1] ?? message}`);
    }
    throw new Error(message);
  }
  if (values.prefix === '') throw new Error('--prefix needs a directory: --prefix DIR');
  /** @type {Flag[]} */
  const flags = [];
  if (values.user) flags.push('user');
  if (values['sys-prefix']) flags.push('sys-prefix');
  if (values.prefix !== undefined) flags.push('prefix');
  if (flags.length > 1) throw new Error(`--${flags[0]} and --${flags[1]} cannot be used together`);
  return { flag: flags[0] ?? 'user', prefix: values.prefix, uninstall: values.uninstall === true, gateway: values.gateway === true, help: values.help === true };
}

/**
 * Writes the kernelspec into `dest` (which must be `<kernels dir>/goperf`), replacing whatever
 * was there. Writes only inside the parent kernels directory: the files are first written to a
 * temporary sibling directory, then moved into place.
 * @param {string} dest
 * @param {{ node?: string, mainJs?: string, logoDir?: string, gatewayPath?: string }} [opts]
 */
export function install(dest, opts = {}) {
  const node = opts.node ?? process.execPath;
  const mainJs = opts.mainJs ?? KERNEL_MAIN;
  const logoDir = opts.logoDir ?? path.join(REPO_ROOT, 'kernel', 'kernelspec');
  const spec = createKernelJson({ node, mainJs, gatewayPath: opts.gatewayPath });
  replaceDir(dest, KERNEL_NAME, (staging) => {
    fs.writeFileSync(path.join(staging, 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');
    for (const logo of LOGO_FILES) fs.copyFileSync(path.join(logoDir, logo), path.join(staging, logo));
  });
}

/**
 * Fills a temporary sibling of `dest`, then puts it in the place of `dest` (whatever was there is
 * replaced whole: no stale files survive a re-install).
 * @param {string} dest
 * @param {string} name what dest is called, for the temporary dir's name
 * @param {(staging: string) => void} fill
 */
function replaceDir(dest, name, fill) {
  const parent = path.dirname(dest);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${name}-install-`));
  try {
    fill(staging);
    fs.chmodSync(staging, 0o755);
    fs.rmSync(dest, { recursive: true, force: true });
    fs.renameSync(staging, dest);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Removes `dest` when it is the directory named `name`, and nothing else.
 * @param {string} dest
 * @param {string} name
 * @returns {boolean} whether there was something to remove
 */
function removeDir(dest, name) {
  if (path.basename(dest) !== name) throw new Error(`refusing to remove ${dest}: not a ${name} dir`);
  if (!fs.existsSync(dest)) return false;
  fs.rmSync(dest, { recursive: true, force: true });
  return true;
}

/**
 * Removes `dest` (the `<kernels dir>/goperf` directory) and nothing else.
 * @param {string} dest
 * @returns {boolean} whether there was something to remove
 */
export function uninstall(dest) {
  return removeDir(dest, KERNEL_NAME);
}

/**
 * Copies the prebuilt extension directory `src` (it must hold the builder's package.json) to
 * `dest` (which must be `<labextensions dir>/goperf-renderer`), replacing whatever was there,
 * through a temporary sibling directory as `install` does.
 * @param {string} dest
 * @param {string} [src] default LABEXTENSION_BUILD_DIR
 */
export function installLabextension(dest, src = LABEXTENSION_BUILD_DIR) {
  if (path.basename(dest) !== LABEXTENSION_NAME) throw new Error(`refusing to install into ${dest}: not a ${LABEXTENSION_NAME} dir`);
  if (!fs.existsSync(path.join(src, 'package.json'))) {
    throw new Error(`${src} holds no built extension: run node renderers/jupyterlab/build.mjs`);
  }
  replaceDir(dest, LABEXTENSION_NAME, (staging) => fs.cpSync(src, staging, { recursive: true }));
}

/**
 * Removes `dest` (the `<labextensions dir>/goperf-renderer` directory) and nothing else.
 * @param {string} dest
 * @returns {boolean} whether there was something to remove
 */
export function uninstallLabextension(dest) {
  return removeDir(dest, LABEXTENSION_NAME);
}

/**
 * The command: parses `args`, installs or uninstalls, prints one line. Returns the exit code.
 * @param {readonly string[]} args
 * @returns {number}
 */
export function main(args) {
  /** @type {CliOptions} */
  let cli;
  try {
    cli = parseArgs(args);
  } catch (err) {
    console.error(`install.js: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  if (cli.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    /** @type {DirOptions} */
    const where = { flag: cli.flag, prefix: cli.prefix, env: process.env, home: os.homedir(), platform: process.platform };
    const dest = path.resolve(kernelSpecDir(where));
    const extDest = path.resolve(labextensionDir(where));
    if (cli.uninstall) {
      const removed = uninstall(dest);
      console.log(removed ? `Removed kernelspec ${KERNEL_NAME} from ${dest}` : `Kernelspec ${KERNEL_NAME} is not installed in ${dest}`);
      if (uninstallLabextension(extDest)) console.log(`Removed JupyterLab extension ${LABEXTENSION_NAME} from ${extDest}`);
      return 0;
    }
    if (!fs.existsSync(KERNEL_MAIN)) console.error(`install.js: warning: ${KERNEL_MAIN} does not exist yet: run npm run build`);
    install(dest, { mainJs: KERNEL_MAIN, gatewayPath: cli.gateway ? (process.env.PATH ?? '') : undefined });
    console.log(`Installed kernelspec ${KERNEL_NAME} (goperf ${VERSION}) in ${dest}${cli.gateway ? ' (for Enterprise Gateway: LocalProcessProxy, with this PATH)' : ''}`);
    if (fs.existsSync(path.join(LABEXTENSION_BUILD_DIR, 'package.json'))) {
      installLabextension(extDest);
      console.log(`Installed JupyterLab extension ${LABEXTENSION_NAME} in ${extDest}`);
    } else {
      console.error(
        `install.js: note: the JupyterLab extension is not built (${path.relative(REPO_ROOT, LABEXTENSION_BUILD_DIR)}): ` +
          'JupyterLab shows the static HTML. Build it with node renderers/jupyterlab/build.mjs',
      );
    }
    return 0;
  } catch (err) {
    console.error(`install.js: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

/** Whether this module is the program being run (`node install.js`), not an import. */
function isMain() {
  if (!process.argv[1]) return false;
  if (import.meta.url === pathToFileURL(process.argv[1]).href) return true;
  try {
    return import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  process.exitCode = main(process.argv.slice(2));
}
