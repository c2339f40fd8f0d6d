// What %get, %use and %mod share: the requirements as a report, and a change of requirements
// committed only once the session's code builds with it (a downgrade that breaks earlier cells is
// refused, and the session keeps what it had).

import { MODULE_PATH } from "../kernel/go/workspace.js";
import type { ModuleChange, ModuleRequirement, ModulesReport } from "../kernel/reports/modules.js";
import { moduleError, type CellError, type ModuleAnswer, type ModuleState } from "../kernel/session.js";
import { renderModules } from "../renderers/modules.js";
import { compileError } from "./dispatcher.js";
import type { MagicContext } from "./types.js";

export async function modulesReport(ctx: MagicContext, state: ModuleState, before?: ModuleState): Promise<ModulesReport> {
  const now = await ctx.session.requirements(state.goMod, ctx.signal);
  const report: ModulesReport = {
    go_version: ctx.session.go?.version ?? "",
    module: MODULE_PATH,
    go_line: now.goLine,
    requires: now.requires as ModuleRequirement[],
    go_mod: state.goMod,
  };
  if (before) {
    const was = new Map((await ctx.session.requirements(before.goMod, ctx.signal)).requires.map((r) => [r.path, r.version]));
    const changes: ModuleChange[] = [];
    for (const r of now.requires) if (was.get(r.path) !== r.version) changes.push({ path: r.path, before: was.get(r.path) ?? null, after: r.version });
    const kept = new Set(now.requires.map((r) => r.path));
    for (const [path, version] of was) if (!kept.has(path)) changes.push({ path, before: version, after: null });
    report.changes = changes;
  }
  return report;
}

/**
 * Commits the requirements the go command answered with, once the session's code compiles with
 * them; shows what changed. `what` names the request in errors ("%get github.com/x/y@v1.2.0").
 */
export async function commitModules(ctx: MagicContext, answer: ModuleAnswer, what: string): Promise<CellError | null> {
  if (!answer.ok) return moduleError(answer, what);
  const before = ctx.session.modules;
  const staged = await ctx.session.stageModules(answer.state, ctx.cell, { progress: (t) => ctx.sink.stream("stderr", t), signal: ctx.signal });
  if ("ename" in staged) return staged;
  const compiled = await ctx.session.compile(staged, [], ctx.signal);
  if (!compiled.ok) {
    const error = compileError(compiled.output);
    const head = `${what}: the session's code does not build with these requirements; the session keeps its go.mod and go.sum`;
    return { ename: "ModuleError", evalue: head, traceback: [head, ...error.traceback] };
  }
  ctx.session.commit(staged, compiled);
  ctx.sink.display(renderModules(await modulesReport(ctx, answer.state, before)));
  return null;
}
