// goperf-renderer: a JupyterLab (and Notebook 7) MIME renderer extension for goperf's vendor JSON
// types. Ranked above text/html (rendermime prefers the lowest rank; html is 50), so where it is
// installed JupyterLab renders the report as data, interactively; everywhere else the kernel's
// static text/html is what readers see.

import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { AsmView } from "./asm.js";
import { benchView } from "./bench.js";
import { el } from "./dom.js";
import { EscapeView } from "./escape.js";
import { ProfileView } from "./profile.js";
import { ASM_MIME, BENCH_MIME, ESCAPE_MIME, PROFILE_MIME, isAsmReport, isBenchReport, isEscapeReport, isProfileReport } from "../../../kernel/reports/index.js";

/** Below text/html's 50. */
export const RANK = 40;

class ReportRenderer extends Widget implements IRenderMime.IRenderer {
  private readonly mimeType: string;
  private escapeView: EscapeView | undefined;
  private asmView: AsmView | undefined;

  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.mimeType = options.mimeType;
    this.addClass("goperf-rendered");
    // As JupyterLab's own renderers do: the output says which of the bundle's types it shows.
    this.node.dataset.mimeType = this.mimeType;
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data: unknown = model.data[this.mimeType];
    let view: HTMLElement;
    this.escapeView?.dispose();
    this.escapeView = undefined;
    this.asmView?.dispose();
    this.asmView = undefined;
    if (this.mimeType === ESCAPE_MIME && isEscapeReport(data)) view = (this.escapeView = new EscapeView(data)).node;
    else if (this.mimeType === ASM_MIME && isAsmReport(data)) view = (this.asmView = new AsmView(data)).node;
    else if (this.mimeType === BENCH_MIME && isBenchReport(data)) view = benchView(data);
    else if (this.mimeType === PROFILE_MIME && isProfileReport(data)) view = new ProfileView(data).node;
    else {
      // Not a report this version understands: say so and show the kernel's plain text.
      const text = model.data["text/plain"];
      view = el(
        "div",
        { className: "goperf-unreadable" },
        el("div", { className: "goperf-warning" }, `goperf-renderer cannot read this ${this.mimeType} output; its text form follows.`),
        el("pre", null, Array.isArray(text) ? text.join("") : typeof text === "string" ? text : ""),
      );
    }
    this.node.replaceChildren(view);
    return Promise.resolve();
  }

  override dispose(): void {
    this.escapeView?.dispose();
    this.asmView?.dispose();
    super.dispose();
  }
}

function extension(id: string, mimeType: string, name: string): IRenderMime.IExtension {
  return {
    id: `goperf-renderer:${id}`,
    rendererFactory: {
      safe: true,
      mimeTypes: [mimeType],
      defaultRank: RANK,
      createRenderer: (options) => new ReportRenderer(options),
    },
    rank: RANK,
    dataType: "json",
    description: name,
  };
}

const extensions: IRenderMime.IExtension[] = [
  extension("escape", ESCAPE_MIME, "goperf escape-analysis report"),
  extension("bench", BENCH_MIME, "goperf benchmark report"),
  extension("asm", ASM_MIME, "goperf assembly report"),
  extension("profile", PROFILE_MIME, "goperf profile report"),
];

export default extensions;
