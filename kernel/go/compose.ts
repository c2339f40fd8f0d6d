// Session declarations + the running cell -> the scratch package's source files. Pure.
//
// Each piece of cell code is preceded by a `//line cell[N]:L:C` directive, so the compiler, the
// linker's line tables and therefore panics all speak in the cell's own coordinates, and the text
// itself is copied byte for byte (comments and //go: directives included). Code the kernel writes
// sits under `//line goperf-*.go` names, which is how its messages are told apart and hidden.

import type { UnitImport, UnitKind } from "./parse.js";

export type { UnitKind };

export type ImportSpec = UnitImport;

export interface Decl {
  /** Identity for replacement: a later decl with the same key replaces this one. */
  key: string;
  kind: UnitKind;
  names: string[];
  /** Execution count of the cell that declared it. */
  cell: number;
  cellId?: string;
  line: number;
  col: number;
  text: string;
  /** Lives in the _test.go file (Benchmark/Test/Example/Fuzz functions). */
  test: boolean;
  imports?: ImportSpec[];
  /** For func and method: how many results it declares. */
  results?: number;
  /** A top-level `x := expr` (see declToGo): the offset of its `:=` in `text`. */
  define?: number;
}

export interface Statement {
  cell: number;
  line: number;
  col: number;
  text: string;
}

/** The cell's last expression, whose value the program reports as the cell's result. */
export interface Shown {
  cell: number;
  line: number;
  col: number;
  text: string;
}

export interface Program {
  decls: Decl[];
  /** The statements `main` runs (the current cell's), unless `mainDecl` replaces the wrapper. */
  statements: Statement[];
  /** Replaces the last statement: its value is sent to the kernel (execute_result). */
  shown?: Shown;
  /** A `func main` the cell itself declared. */
  mainDecl?: Decl;
  /** Generated test code (the %bench shorthand), already carrying its own //line directives. */
  generatedTests?: string;
}

export const GENERATED_PREFIX = "goperf-";
export const PACKAGE_CLAUSE = "package main\n";

/** Always with a column: a directive without one makes the compiler report no columns at all. */
export function lineDirective(file: string, line: number, col: number): string {
  return `//line ${file}:${line}:${col}\n`;
}

export function cellFile(cell: number): string {
  return `cell[${cell}]`;
}

function place(cell: number, line: number, col: number, text: string): string {
  return lineDirective(cellFile(cell), line, col) + text + "\n";
}

/**
 * A declaration as Go source. A top-level `x, err := f()` becomes a package variable: written
 * inside `var (` ... `)` with its `:=` turned into ` =` (same width, so every column the compiler
 * reports stays the cell's), it is `var x, err = f()`, computed when each program starts. Every
 * other byte is the cell's.
 */
export function declToGo(d: Decl): string {
  if (d.define === undefined) return place(d.cell, d.line, d.col, d.text);
  const text = `${d.text.slice(0, d.define)} =${d.text.slice(d.define + 2)}`;
  return "var (\n" + place(d.cell, d.line, d.col, text) + ")\n";
}

/**
 * The value of a cell's last expression goes to file descriptor 3 as one execute_result frame of
 * the display side channel (sidechannel.ts); the program's own stdout and stderr stay untouched.
 * text/plain is the value as %v shows it (a string quoted); a value with HTML(), SVG(), Markdown()
 * or Display() map[string]any methods is also shown in those forms. Only fmt, os, strconv,
 * strings, unicode/utf8 and encoding/base64 are linked for it: no JSON encoder, so a Display()
 * value for a JSON type is sent as its JSON text and parsed by the kernel. The file is a package
 * variable, never closed: a goroutine's display may still be using fd 3.
 */
export const SHOW_FUNC =
  lineDirective(`${GENERATED_PREFIX}show.go`, 1, 1) +
  `var goperfResult = os.NewFile(3, "goperf-result")

func goperfShow(values ...any) {
	var text []byte
	for i, v := range values {
		if i > 0 {
			text = append(text, ' ')
		}
		if s, ok := v.(string); ok {
			text = strconv.AppendQuote(text, s)
		} else {
			text = fmt.Appendf(text, "%v", v)
		}
	}
	data := []string{"text/plain", string(text)}
	if len(values) == 1 {
		v := values[0]
		if r, ok := v.(interface{ HTML() string }); ok {
			data = append(data, "text/html", r.HTML())
		}
		if r, ok := v.(interface{ SVG() string }); ok {
			data = append(data, "image/svg+xml", r.SVG())
		}
		if r, ok := v.(interface{ Markdown() string }); ok {
			data = append(data, "text/markdown", r.Markdown())
		}
		if r, ok := v.(interface{ Display() map[string]any }); ok {
			for mime, x := range r.Display() {
				switch x := x.(type) {
				case string:
					data = append(data, mime, x)
				case []byte:
					data = append(data, mime, base64.StdEncoding.EncodeToString(x))
				default:
					data = append(data, mime, fmt.Sprint(x))
				}
			}
		}
	}
	body := []byte(\`{"data":{\`)
	seen := map[string]bool{}
	for i := len(data) - 2; i >= 0; i -= 2 {
		if seen[data[i]] {
			continue
		}
		seen[data[i]] = true
		if len(seen) > 1 {
			body = append(body, ',')
		}
		body = append(goperfQuote(body, data[i]), ':')
		body = goperfQuote(body, data[i+1])
	}
	body = append(body, "}}"...)
	n := len(body)
	frame := append([]byte{'G', 'P', 'D', 'r', byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}, body...)
	goperfResult.Write(frame)
}

// goperfQuote appends s as a JSON string.
func goperfQuote(b []byte, s string) []byte {
	s = strings.ToValidUTF8(s, "\uFFFD")
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\\\':
			b = append(b, '\\\\', byte(r))
		case r < 0x20:
			b = append(b, '\\\\', 'u', '0', '0', "0123456789abcdef"[r>>4], "0123456789abcdef"[r&15])
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}
`;

function showCall(shown: Shown): string {
  // The expression keeps its own position (on the line after "goperfShow("), and ")" follows it
  // directly so that no semicolon is inserted between them.
  return lineDirective(`${GENERATED_PREFIX}show.go`, 100, 1) + "goperfShow(\n" + lineDirective(cellFile(shown.cell), shown.line, shown.col) + shown.text + ")\n";
}

/** The bodies of main.go and main_test.go, without their import blocks (see importBlock). */
export function composeBodies(program: Program): { main: string; test: string } {
  const code = program.decls.filter((d) => d.kind !== "import");
  const main = code.filter((d) => !d.test).map(declToGo);
  if (program.mainDecl) {
    const d = program.mainDecl;
    main.push(place(d.cell, d.line, d.col, d.text));
  } else {
    main.push(
      lineDirective(`${GENERATED_PREFIX}main.go`, 1, 1) +
        "func main() {\n" +
        program.statements.map((s) => place(s.cell, s.line, s.col, s.text)).join("") +
        (program.shown ? showCall(program.shown) : "") +
        lineDirective(`${GENERATED_PREFIX}main.go`, 2, 1) +
        "}\n",
    );
  }
  if (program.shown) main.push(SHOW_FUNC);
  const test = code.filter((d) => d.test).map(declToGo);
  if (program.generatedTests) test.push(program.generatedTests);
  return { main: main.join("\n"), test: test.join("\n") };
}

export interface DeclaredImport extends ImportSpec {
  cell: number;
  line: number;
}

/** One line of an import block: the spec and where it came from. */
export interface ChosenImport {
  path: string;
  name: string;
  /** The cell that declared it, or undefined when the kernel added it. */
  cell?: number;
  line: number;
}

/**
 * The imports a file needs: the declared imports it uses, plus standard packages it uses without
 * importing. Unused imports are left out so that an import from an old cell never breaks the
 * build ("imported and not used").
 */
export function chooseImports(declared: DeclaredImport[], usedPackages: string[], stdlib: Record<string, string>): ChosenImport[] {
  const used = new Set(usedPackages);
  const chosen: ChosenImport[] = [];
  const provided = new Set<string>();
  const seen = new Set<string>();
  // Later declarations win a name: walk newest first.
  for (const imp of [...declared].reverse()) {
    const name = imp.name || defaultName(imp.path, stdlib);
    const always = imp.name === "_" || imp.name === ".";
    const id = `${imp.name} ${imp.path}`;
    if (seen.has(id)) continue;
    if (!always && (!used.has(name) || provided.has(name))) continue;
    seen.add(id);
    if (!always) provided.add(name);
    chosen.push({ path: imp.path, name: imp.name, cell: imp.cell, line: imp.line });
  }
  const added = [...used].filter((name) => !provided.has(name) && stdlib[name]).sort();
  for (const name of added) chosen.push({ path: stdlib[name], name: "", line: 1 });
  return chosen;
}

export function renderImports(chosen: ChosenImport[]): string {
  if (chosen.length === 0) return "";
  const lines = chosen.map((c, i) => {
    const spec = `${c.name ? c.name + " " : ""}${JSON.stringify(c.path)}\n`;
    if (c.cell !== undefined) return lineDirective(cellFile(c.cell), c.line, 1) + spec;
    const first = i === 0 || chosen[i - 1].cell !== undefined;
    return (first ? lineDirective(`${GENERATED_PREFIX}imports.go`, 1, 1) : "") + spec;
  });
  return `import (\n${lines.join("")})\n`;
}

export function importBlock(declared: DeclaredImport[], usedPackages: string[], stdlib: Record<string, string>): string {
  return renderImports(chooseImports(declared, usedPackages, stdlib));
}

/** The package name an import path binds when it has no alias. */
export function defaultName(path: string, stdlib: Record<string, string>): string {
  for (const [name, p] of Object.entries(stdlib)) if (p === path) return name;
  const parts = path.split("/");
  let last = parts[parts.length - 1];
  if (/^v\d+$/.test(last) && parts.length > 1) last = parts[parts.length - 2];
  return last.replace(/^go-/, "").replace(/[.-].*$/, "");
}

export function composeFile(imports: string, body: string): string {
  return `${PACKAGE_CLAUSE}\n${imports}\n${body}`;
}
