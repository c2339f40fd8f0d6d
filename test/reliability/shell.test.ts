// Reliability 5: nothing goes through a shell. User strings in cells, magic arguments and metadata
// reach the go command and the programs as argv entries or Go source, never as a shell line; the
// scratch dir is private; install.js writes only its kernelspec dir.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { streamText } from "../../kernel/client/client.js";
import { ROOT } from "../helpers/paths.js";
import { Section, alive, launchKernel, privateTmp, removeTree, sessionDir, within, type Kernel } from "./helpers.js";

const section = new Section("shell", "5. Nothing through a shell");

function walk(dir: string, out: string[] = [], depth = 0): string[] {
  if (depth > 12) return out;
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    out.push(path);
    if (statSync(path).isDirectory()) walk(path, out, depth + 1);
  }
  return out;
}

describe("reliability 5: nothing through a shell", function () {
  this.timeout(600_000);
  let k: Kernel;
  let M: string;
  before(async () => {
    k = await launchKernel("shell");
    M = privateTmp("shell-markers");
  });
  after(async () => {
    section.save();
    await k?.close();
    removeTree(k.tmp);
    removeTree(M);
  });

  it("shell syntax in cells, magic arguments and metadata is inert", async () => {
    const t = (name: string) => `${M}/${name}`;
    const decl = await k.client.execute(
      'func Quote(s string) int { return len(s) }\n\nfunc Spin() int {\n\ts := 0\n\tfor i := 0; i < 100; i++ {\n\t\ts += i\n\t}\n\treturn s\n}',
    );
    expect(decl.reply.content.status).to.equal("ok");
    const cells = [
      `fmt.Println("$(touch ${t("c1")})", "\`touch ${t("c2")}\`", "; touch ${t("c3")} ;", "| touch ${t("c4")}", "&& touch ${t("c5")}")`,
      `// $(touch ${t("c6")}); \`touch ${t("c7")}\`\nfmt.Println("comment ok")`,
      `%bench -count 1 -benchtime 1x Quote("$(touch ${t("b1")})")`,
      `%bench '$(touch ${t("b2")});touch ${t("b3")}'`,
      `%bench -benchtime '$(touch ${t("b4")})' Spin()`,
      `%bench -cpu "1;touch ${t("b5")}" Spin()`,
      `%bench --save '$(touch ${t("b6")})' -count 1 -benchtime 1x Spin()`,
      `%escape --func '$(touch ${t("e1")})'\nfunc Esc() *int {\n\tx := 1\n\treturn &x\n}`,
      `%escape --only '\`touch ${t("e2")}\`'`,
      `%expect Spin allocs/op == 0; touch ${t("x1")}`,
      `%predict Esc: moved to heap: $(touch ${t("p1")})`,
      `%help $(touch ${t("h1")})`,
      `%go $(touch ${t("g1")})`,
      `%go ;touch ${t("g2")}`,
      `%$(touch ${t("m1")})`,
    ];
    const outcomes: string[] = [];
    for (const code of cells) {
      const x = await within(k.client.execute(code, { stopOnError: false }), 120_000, code);
      outcomes.push(String(x.reply.content.status));
    }
    const withId = await k.client.execute('fmt.Println("metadata")', { cellId: `$(touch ${t("id1")}); \`touch ${t("id2")}\`` });
    expect(streamText(withId, "stdout")).to.equal("metadata\n");
    const printed = await k.client.execute(cells[0]);
    expect(streamText(printed, "stdout")).to.contain(`$(touch ${t("c1")})`);
    for (const [msgType, content] of [
      ["is_complete_request", { code: `$(touch ${t("r1")})` }],
      ["complete_request", { code: `x := "$(touch ${t("r2")})"; x.`, cursor_pos: 20 }],
      ["inspect_request", { code: `\`touch ${t("r3")}\``, cursor_pos: 3, detail_level: 0 }],
    ] as const) {
      await within(k.client.request("shell", msgType, content), 60_000, msgType);
    }
    const markers = readdirSync(M);
    section.add(
      "cells, magic arguments, cellId and completion requests with `$(…)`, backquotes, `;`, `|`, `&&`",
      `${cells.length + 2} cells (${outcomes.filter((o) => o === "ok").length} ok, ${outcomes.filter((o) => o !== "ok").length} refused as usage/compile errors) and 3 requests; marker files created: ${markers.length}; kernel alive: ${alive(k.pid) ? "yes" : "NO"}`,
      markers.length === 0 && alive(k.pid),
    );
    expect(markers, "marker files").to.deep.equal([]);
    expect(alive(k.pid)).to.equal(true);
  });

  it("child processes start from argv, never through a shell (source check)", () => {
    const files = ["kernel", "magics", "bin", "renderers"]
      .flatMap((d) => walk(join(ROOT, d)))
      .filter((f) => /\.(ts|js)$/.test(f) && !f.includes("node_modules"))
      .concat([join(ROOT, "install.js")]);
    const spawning: string[] = [];
    const problems: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const imports = [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*["'](?:node:)?child_process["']/g)].flatMap((m) =>
        m[1].split(",").map((s) => s.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0]).filter(Boolean),
      );
      if (/from\s*["'](?:node:)?child_process["']/.test(text) || /require\(["'](?:node:)?child_process["']\)/.test(text)) spawning.push(relative(ROOT, file));
      for (const name of imports) if (/^(exec|execSync)$/.test(name)) problems.push(`${relative(ROOT, file)} imports ${name}`);
      if (/import\s+\*\s+as\s+\w+\s+from\s*["'](?:node:)?child_process["']/.test(text)) problems.push(`${relative(ROOT, file)} imports all of child_process`);
      if (/\bshell\s*:\s*(true|["'`])/.test(text)) problems.push(`${relative(ROOT, file)} sets a shell option`);
      if (/["'](\/bin\/)?(ba)?sh["']\s*,\s*\[\s*["']-c["']/.test(text)) problems.push(`${relative(ROOT, file)} runs sh -c`);
    }
    section.add("source: child_process use", `${spawning.length} files spawn (${spawning.join(", ")}); exec/execSync/shell:/sh -c: ${problems.length}`, problems.length === 0);
    expect(problems).to.deep.equal([]);
  });

  it("the scratch dir is private (0700)", async () => {
    const dir = await sessionDir(k.tmp);
    const mode = statSync(dir).mode & 0o777;
    const gotmp = statSync(join(dir, "gotmp")).mode & 0o777;
    section.add("scratch dir mode (and the go command's work dir inside it)", `${mode.toString(8)} (${gotmp.toString(8)})`, mode === 0o700 && gotmp === 0o700);
    expect(mode.toString(8)).to.equal("700");
    expect(gotmp.toString(8)).to.equal("700");
  });

  it("install.js writes only inside the chosen Jupyter data dir (kernels/goperf, and its renderer extension)", () => {
    const root = privateTmp("install");
    const data = join(root, "data");
    mkdirSync(join(data, "kernels"), { recursive: true });
    mkdirSync(join(root, "home"));
    const before = new Set(walk(root));
    const env = { PATH: process.env.PATH ?? "", JUPYTER_DATA_DIR: data, HOME: join(root, "home"), XDG_DATA_HOME: join(root, "xdg") };
    const r = spawnSync(process.execPath, [join(ROOT, "install.js"), "--user"], { env, encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    const after = walk(root);
    const added = after.filter((p) => !before.has(p)).map((p) => relative(root, p));
    // Since c08d4f3 install.js also installs the prebuilt renderer extension, when built, beside the
    // kernelspec: labextensions/goperf-renderer in the same Jupyter data dir.
    const mine = [join("data", "kernels", "goperf"), join("data", "labextensions", "goperf-renderer")];
    const outside = added.filter((p) => p !== join("data", "labextensions") && !mine.some((m) => p === m || p.startsWith(m + "/")));
    const un = spawnSync(process.execPath, [join(ROOT, "install.js"), "--user", "--uninstall"], { env, encoding: "utf8" });
    const afterUninstall = walk(root).map((p) => relative(root, p));
    removeTree(root);
    section.add(
      "install.js --user with a temp JUPYTER_DATA_DIR (and HOME, XDG_DATA_HOME)",
      `new paths: ${added.length}, all under kernels/goperf (${added.filter((p) => p.startsWith(mine[0])).length}) or labextensions/goperf-renderer (${added.filter((p) => p.startsWith(join("data", "labextensions"))).length}): ${outside.length === 0 ? "yes" : `NO (${outside.join(", ")})`}; nothing in HOME; --uninstall leaves ${afterUninstall.join(", ")}`,
      outside.length === 0 && un.status === 0,
    );
    expect(added).to.include(join("data", "kernels", "goperf", "kernel.json"));
    expect(outside).to.deep.equal([]);
    expect(un.status).to.equal(0);
    expect(afterUninstall.filter((p) => !p.startsWith(join("data", "labextensions"))).sort()).to.deep.equal(["data", join("data", "kernels"), "home"]);
    expect(afterUninstall.filter((p) => p.startsWith(join("data", "labextensions", "goperf-renderer")))).to.deep.equal([]);
  });
});
