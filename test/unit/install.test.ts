// Unit tests for install.js (the kernelspec installer at the repository root).
// Compiled to dist/test/unit/install.test.js, from where the installer is ../../../install.js.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

type Flag = 'user' | 'sys-prefix' | 'prefix';
interface DirOptions {
  flag?: Flag;
  prefix?: string;
  env?: Record<string, string | undefined>;
  home?: string;
  platform?: NodeJS.Platform;
}
interface KernelJson {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: string;
  env: Record<string, string>;
  metadata: { debugger: boolean };
}
interface InstallModule {
  KERNEL_NAME: string;
  LOGO_FILES: readonly string[];
  REPO_ROOT: string;
  createKernelJson(opts: { node: string; mainJs: string; gatewayPath?: string }): KernelJson;
  jupyterDataDir(opts: DirOptions): string;
  kernelsDir(opts: DirOptions): string;
  kernelSpecDir(opts: DirOptions): string;
  parseArgs(args: readonly string[]): { flag: Flag; prefix?: string; uninstall: boolean; gateway: boolean; help: boolean };
  install(dest: string, opts?: { node?: string; mainJs?: string; logoDir?: string }): void;
  uninstall(dest: string): boolean;
  LABEXTENSION_NAME: string;
  LABEXTENSION_BUILD_DIR: string;
  labextensionDir(opts: DirOptions): string;
  installLabextension(dest: string, src?: string): void;
  uninstallLabextension(dest: string): boolean;
}

const installJs = fileURLToPath(new URL('../../../install.js', import.meta.url));
const repoRoot = path.dirname(installJs);
// A variable specifier keeps tsc from looking for declarations of the plain-JS module.
const installUrl: string = new URL('../../../install.js', import.meta.url).href;
const inst = (await import(installUrl)) as InstallModule;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Runs `node install.js ARGS` with `env` added to (or, when undefined, removed from) the environment. */
function runInstaller(args: string[], env: Record<string, string | undefined>) {
  const fullEnv: Record<string, string | undefined> = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete fullEnv[k];
    else fullEnv[k] = v;
  }
  const r = spawnSync(process.execPath, [installJs, ...args], { env: fullEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Whether renderers/jupyterlab/labextension has been built (npm install builds it). */
function extensionBuilt(): boolean {
  return fs.existsSync(path.join(inst.LABEXTENSION_BUILD_DIR, 'package.json'));
}

/** Every file under `dir`, relative, sorted. */
function listTree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map((p) => p.split(path.sep).join('/')).sort();
}

describe('install.js', () => {
  describe('createKernelJson', () => {
    it('builds the kernelspec with the absolute node and main.js paths', () => {
      const spec = inst.createKernelJson({ node: '/usr/bin/node', mainJs: '/repo/dist/kernel/main.js' });
      expect(spec).to.deep.equal({
        argv: ['/usr/bin/node', '--max-semi-space-size=2', '/repo/dist/kernel/main.js', '{connection_file}'],
        display_name: 'Go (perf)',
        language: 'go',
        interrupt_mode: 'message',
        env: {},
        metadata: { debugger: false },
      });
    });

    it('runs the kernel with the Node flags package.json declares, the same KernelClient launches it with', async () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string; goperf: { kernelNodeFlags: string[] } };
      expect(pkg.goperf.kernelNodeFlags).to.include('--max-semi-space-size=2');
      expect(inst.createKernelJson({ node: '/n', mainJs: '/m.js' }).argv).to.deep.equal(['/n', ...pkg.goperf.kernelNodeFlags, '/m.js', '{connection_file}']);
      const own = await import('../../kernel/package.js');
      expect(own.KERNEL_NODE_FLAGS).to.deep.equal(pkg.goperf.kernelNodeFlags);
      expect(own.VERSION).to.equal(pkg.version);
      expect((inst as unknown as { VERSION: string }).VERSION).to.equal(pkg.version);
      // JupyterLab reads the extension's version from its own package.json: it must not drift.
      const extension = JSON.parse(fs.readFileSync(path.join(repoRoot, 'renderers', 'jupyterlab', 'package.json'), 'utf8')) as { version: string };
      expect(extension.version, 'renderers/jupyterlab/package.json version').to.equal(pkg.version);
    });

    it('--gateway: names the gateway\'s local process proxy and passes the installer\'s PATH on', () => {
      const spec = inst.createKernelJson({ node: '/usr/bin/node', mainJs: '/repo/dist/kernel/main.js', gatewayPath: '/usr/local/go/bin:/usr/bin' });
      expect(spec.env).to.deep.equal({ PATH: '/usr/local/go/bin:/usr/bin' });
      expect(spec.metadata).to.deep.equal({
        debugger: false,
        process_proxy: { class_name: 'enterprise_gateway.services.processproxies.processproxy.LocalProcessProxy' },
      });
    });

    it('rejects relative paths', () => {
      expect(() => inst.createKernelJson({ node: 'node', mainJs: '/repo/dist/kernel/main.js' })).to.throw(/absolute/);
      expect(() => inst.createKernelJson({ node: '/usr/bin/node', mainJs: 'dist/kernel/main.js' })).to.throw(/absolute/);
    });
  });

  describe('kernelsDir', () => {
    const home = '/home/u';

    it('--user: $JUPYTER_DATA_DIR first', () => {
      const env = { JUPYTER_DATA_DIR: '/data/jup', XDG_DATA_HOME: '/xdg' };
      expect(inst.kernelsDir({ flag: 'user', env, home })).to.equal('/data/jup/kernels');
      expect(inst.kernelSpecDir({ flag: 'user', env, home })).to.equal('/data/jup/kernels/goperf');
    });

    it('--user: then $XDG_DATA_HOME/jupyter', () => {
      expect(inst.kernelsDir({ flag: 'user', env: { XDG_DATA_HOME: '/xdg' }, home })).to.equal('/xdg/jupyter/kernels');
    });

    it('--user: then ~/.local/share/jupyter (empty variables count as unset)', () => {
      expect(inst.kernelsDir({ flag: 'user', env: {}, home })).to.equal('/home/u/.local/share/jupyter/kernels');
      expect(inst.kernelsDir({ flag: 'user', env: { JUPYTER_DATA_DIR: '', XDG_DATA_HOME: '' }, home })).to.equal(
        '/home/u/.local/share/jupyter/kernels',
      );
    });

    it('defaults to --user', () => {
      expect(inst.kernelsDir({ env: {}, home })).to.equal('/home/u/.local/share/jupyter/kernels');
    });

    it('--sys-prefix: $VIRTUAL_ENV, else $CONDA_PREFIX', () => {
      expect(inst.kernelsDir({ flag: 'sys-prefix', env: { VIRTUAL_ENV: '/venv', CONDA_PREFIX: '/conda' }, home })).to.equal(
        '/venv/share/jupyter/kernels',
      );
      expect(inst.kernelsDir({ flag: 'sys-prefix', env: { CONDA_PREFIX: '/conda' }, home })).to.equal('/conda/share/jupyter/kernels');
    });

    it('--sys-prefix: explains --prefix when no environment is active', () => {
      expect(() => inst.kernelsDir({ flag: 'sys-prefix', env: { JUPYTER_DATA_DIR: '/data/jup' }, home })).to.throw(
        /VIRTUAL_ENV.*CONDA_PREFIX[\s\S]*--prefix/,
      );
    });

    it('--prefix DIR: DIR/share/jupyter, ignoring the environment', () => {
      const env = { JUPYTER_DATA_DIR: '/data/jup', VIRTUAL_ENV: '/venv' };
      expect(inst.kernelsDir({ flag: 'prefix', prefix: '/opt/p', env, home })).to.equal('/opt/p/share/jupyter/kernels');
      expect(() => inst.kernelsDir({ flag: 'prefix', env, home })).to.throw(/--prefix/);
    });
  });

  describe('labextensionDir', () => {
    it('is <jupyter data dir>/labextensions/goperf-renderer, beside kernels/', () => {
      expect(inst.LABEXTENSION_NAME).to.equal('goperf-renderer');
      expect(inst.labextensionDir({ env: { JUPYTER_DATA_DIR: '/data/jup' }, home: '/h' })).to.equal('/data/jup/labextensions/goperf-renderer');
      expect(inst.labextensionDir({ flag: 'sys-prefix', env: { VIRTUAL_ENV: '/venv' }, home: '/h' })).to.equal(
        '/venv/share/jupyter/labextensions/goperf-renderer',
      );
      expect(inst.labextensionDir({ flag: 'prefix', prefix: '/opt/p', env: {}, home: '/h' })).to.equal('/opt/p/share/jupyter/labextensions/goperf-renderer');
      expect(inst.LABEXTENSION_BUILD_DIR).to.equal(path.join(repoRoot, 'renderers', 'jupyterlab', 'labextension'));
    });
  });

  describe('parseArgs', () => {
    it('parses the location flags', () => {
      expect(inst.parseArgs([])).to.deep.equal({ flag: 'user', prefix: undefined, uninstall: false, gateway: false, help: false });
      expect(inst.parseArgs(['--gateway']).gateway).to.equal(true);
      expect(inst.parseArgs(['--sys-prefix', '--uninstall']).flag).to.equal('sys-prefix');
      expect(inst.parseArgs(['--sys-prefix', '--uninstall']).uninstall).to.equal(true);
      expect(inst.parseArgs(['--prefix', '/p'])).to.include({ flag: 'prefix', prefix: '/p' });
      expect(inst.parseArgs(['--prefix=/p'])).to.include({ flag: 'prefix', prefix: '/p' });
      expect(inst.parseArgs(['-h']).help).to.equal(true);
    });

    it('rejects bad usage', () => {
      expect(() => inst.parseArgs(['--prefix'])).to.throw(/--prefix/);
      expect(() => inst.parseArgs(['--user', '--sys-prefix'])).to.throw(/together/);
      expect(() => inst.parseArgs(['--frobnicate'])).to.throw(/unknown argument/);
    });
  });

  describe('the command', function () {
    this.timeout(20_000);
    let tmp: string;
    let kernels: string;
    let dest: string;

    beforeEach(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'goperf-install-test-'));
      kernels = path.join(tmp, 'kernels');
      dest = path.join(kernels, 'goperf');
    });
    afterEach(() => {
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    function checkInstalled(): void {
      expect(listTree(dest)).to.deep.equal(['kernel.json', 'logo-32x32.png', 'logo-64x64.png', 'logo-svg.svg']);
      const spec = JSON.parse(fs.readFileSync(path.join(dest, 'kernel.json'), 'utf8')) as KernelJson;
      expect(spec).to.deep.equal(
        inst.createKernelJson({ node: process.execPath, mainJs: path.join(repoRoot, 'dist', 'bundle', 'kernel.cjs') }),
      );
      for (const [file, size] of [
        ['logo-32x32.png', 32],
        ['logo-64x64.png', 64],
      ] as const) {
        const png = fs.readFileSync(path.join(dest, file));
        expect(png.subarray(0, 8).equals(PNG_SIGNATURE), `${file} signature`).to.equal(true);
        expect(png.subarray(12, 16).toString('latin1'), `${file} IHDR`).to.equal('IHDR');
        expect([png.readUInt32BE(16), png.readUInt32BE(20)], `${file} size`).to.deep.equal([size, size]);
      }
      expect(fs.readFileSync(path.join(dest, 'logo-svg.svg'), 'utf8')).to.match(/<svg[\s>]/);
      // No staging directory is left behind.
      expect(fs.readdirSync(kernels)).to.deep.equal(['goperf']);
    }

    it('installs into $JUPYTER_DATA_DIR/kernels/goperf (and the built extension into labextensions/) and says where', () => {
      const r = runInstaller([], { JUPYTER_DATA_DIR: tmp });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.contain(dest);
      checkInstalled();
      const extDest = path.join(tmp, 'labextensions', 'goperf-renderer');
      if (extensionBuilt()) {
        expect(r.stdout.trim().split('\n')).to.have.length(2);
        expect(r.stdout).to.contain(extDest);
        expect(listTree(extDest)).to.deep.equal(listTree(inst.LABEXTENSION_BUILD_DIR));
        expect(listTree(tmp).filter((p) => !p.startsWith('kernels') && !p.startsWith('labextensions'))).to.deep.equal([]);
      } else {
        expect(r.stdout.trim().split('\n')).to.have.length(1);
        expect(r.stderr).to.contain('not built');
        expect(listTree(tmp).filter((p) => !p.startsWith('kernels'))).to.deep.equal([]);
      }
    });

    it('re-installs idempotently, replacing stale files', () => {
      expect(runInstaller(['--user'], { JUPYTER_DATA_DIR: tmp }).status).to.equal(0);
      const first = fs.readFileSync(path.join(dest, 'kernel.json'));
      fs.writeFileSync(path.join(dest, 'stale.txt'), 'old');
      fs.writeFileSync(path.join(dest, 'kernel.json'), '{}');
      const r = runInstaller(['--user'], { JUPYTER_DATA_DIR: tmp });
      expect(r.status, r.stderr).to.equal(0);
      checkInstalled();
      expect(fs.readFileSync(path.join(dest, 'kernel.json')).equals(first)).to.equal(true);
    });

    it('uninstalls exactly kernels/goperf and labextensions/goperf-renderer', () => {
      expect(runInstaller([], { JUPYTER_DATA_DIR: tmp }).status).to.equal(0);
      fs.mkdirSync(path.join(kernels, 'python3'));
      fs.writeFileSync(path.join(kernels, 'python3', 'kernel.json'), '{}');
      fs.mkdirSync(path.join(tmp, 'labextensions', 'other-ext'), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'labextensions', 'other-ext', 'package.json'), '{}');
      // As if an earlier install had put the extension there (whether or not it is built now).
      fs.mkdirSync(path.join(tmp, 'labextensions', 'goperf-renderer', 'static'), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'labextensions', 'goperf-renderer', 'package.json'), '{}');
      fs.writeFileSync(path.join(tmp, 'other.txt'), 'keep');
      const r = runInstaller(['--uninstall'], { JUPYTER_DATA_DIR: tmp });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.contain(dest);
      expect(r.stdout).to.contain(path.join(tmp, 'labextensions', 'goperf-renderer'));
      expect(listTree(tmp)).to.deep.equal([
        'kernels',
        'kernels/python3',
        'kernels/python3/kernel.json',
        'labextensions',
        'labextensions/other-ext',
        'labextensions/other-ext/package.json',
        'other.txt',
      ]);
      // Uninstalling again is not an error.
      expect(runInstaller(['--uninstall'], { JUPYTER_DATA_DIR: tmp }).status).to.equal(0);
    });

    it('the install and uninstall functions agree with the command', () => {
      inst.install(dest);
      checkInstalled();
      inst.install(dest);
      checkInstalled();
      expect(inst.uninstall(dest)).to.equal(true);
      expect(inst.uninstall(dest)).to.equal(false);
      expect(fs.readdirSync(kernels)).to.deep.equal([]);
      expect(() => inst.uninstall(kernels)).to.throw(/refusing/);
    });

    it('installLabextension copies a built extension in place of a stale one; uninstallLabextension removes it', () => {
      const built = path.join(tmp, 'built');
      fs.mkdirSync(path.join(built, 'static'), { recursive: true });
      fs.writeFileSync(path.join(built, 'package.json'), '{"name":"goperf-renderer"}');
      fs.writeFileSync(path.join(built, 'static', 'remoteEntry.abc.js'), '// js');
      const extDest = path.join(tmp, 'data', 'labextensions', 'goperf-renderer');
      fs.mkdirSync(extDest, { recursive: true });
      fs.writeFileSync(path.join(extDest, 'stale.js'), 'old');
      inst.installLabextension(extDest, built);
      expect(listTree(extDest)).to.deep.equal(['package.json', 'static', 'static/remoteEntry.abc.js']);
      // No staging directory is left behind.
      expect(fs.readdirSync(path.dirname(extDest))).to.deep.equal(['goperf-renderer']);
      expect(inst.uninstallLabextension(extDest)).to.equal(true);
      expect(inst.uninstallLabextension(extDest)).to.equal(false);
      expect(fs.readdirSync(path.dirname(extDest))).to.deep.equal([]);
    });

    it('installLabextension refuses an unbuilt source and a destination not named goperf-renderer', () => {
      const extDest = path.join(tmp, 'labextensions', 'goperf-renderer');
      expect(() => inst.installLabextension(extDest, path.join(tmp, 'nothing-built'))).to.throw(/no built extension/);
      expect(fs.existsSync(extDest)).to.equal(false);
      expect(() => inst.installLabextension(path.join(tmp, 'labextensions'), tmp)).to.throw(/refusing/);
      expect(() => inst.uninstallLabextension(path.join(tmp, 'labextensions'))).to.throw(/refusing/);
    });

    it('--prefix DIR installs into DIR/share/jupyter/kernels/goperf', () => {
      const r = runInstaller(['--prefix', path.join(tmp, 'p')], { JUPYTER_DATA_DIR: path.join(tmp, 'unused') });
      expect(r.status, r.stderr).to.equal(0);
      expect(listTree(path.join(tmp, 'p', 'share', 'jupyter', 'kernels', 'goperf'))).to.include('kernel.json');
      expect(fs.existsSync(path.join(tmp, 'unused'))).to.equal(false);
    });

    it('--sys-prefix uses $VIRTUAL_ENV, and fails with advice without one', () => {
      const venv = path.join(tmp, 'venv');
      let r = runInstaller(['--sys-prefix'], { VIRTUAL_ENV: venv, CONDA_PREFIX: undefined });
      expect(r.status, r.stderr).to.equal(0);
      expect(listTree(path.join(venv, 'share', 'jupyter', 'kernels', 'goperf'))).to.include('kernel.json');
      r = runInstaller(['--sys-prefix'], { VIRTUAL_ENV: undefined, CONDA_PREFIX: undefined, JUPYTER_DATA_DIR: tmp });
      expect(r.status).to.equal(1);
      expect(r.stderr).to.contain('--prefix');
      expect(listTree(tmp).filter((p) => p !== 'venv' && !p.startsWith('venv/'))).to.deep.equal([]);
    });

    it('rejects unknown arguments with usage and exit status 2', () => {
      const r = runInstaller(['--bogus'], { JUPYTER_DATA_DIR: tmp });
      expect(r.status).to.equal(2);
      expect(r.stderr).to.contain('Usage:');
      expect(listTree(tmp)).to.deep.equal([]);
    });

    it('--help prints usage and writes nothing', () => {
      const r = runInstaller(['--help'], { JUPYTER_DATA_DIR: tmp });
      expect(r.status).to.equal(0);
      expect(r.stdout).to.contain('--sys-prefix');
      expect(listTree(tmp)).to.deep.equal([]);
    });

    it('importing the module does not run the command', () => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(installUrl)});`], {
        env: { ...process.env, JUPYTER_DATA_DIR: tmp },
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('');
      expect(listTree(tmp)).to.deep.equal([]);
    });
  });
});
