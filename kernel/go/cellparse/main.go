// Command cellparse is goperf's Go cell parser. It splits a notebook cell into top-level
// units (declarations and statements) with Go's own scanner and parser, answers whether a
// cell is complete, which packages a file uses, which packages the standard library offers,
// how the structs of a file are laid out for a GOARCH (layout.go), and the main package of a
// test binary (testmain.go).
//
// It is a long-lived helper: one JSON request per stdin line, one JSON response per stdout
// line, until EOF. It must never die on bad input, because the kernel would then lose the
// cell it was working on; panics become error responses.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
)

func main() {
	if err := serve(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cellparse:", err)
		os.Exit(1)
	}
}

// ---- protocol ---------------------------------------------------------------------------

type request struct {
	// ID is echoed back untouched so that a client can detect a stale answer.
	ID     json.RawMessage `json:"id,omitempty"`
	Op     string          `json:"op"`
	Source string          `json:"source"`
	Goroot string          `json:"goroot"`
	Goarch string          `json:"goarch"`
	Types  []string        `json:"types"`
	// ToolTags and ReleaseTags: the go command's build context for the target (layout).
	ToolTags    []string `json:"toolTags"`
	ReleaseTags []string `json:"releaseTags"`
	// Positions: file:line pairs as the compiler prints them (funcsAt).
	Positions []string `json:"positions"`
	// ImportPath and ModulePath: the package under test (testmain).
	ImportPath string `json:"importPath"`
	ModulePath string `json:"modulePath"`
}

type response map[string]any

// SyntaxError is a position in the cell's own coordinates (1-based line, 1-based byte
// column) and go/parser's or go/scanner's message. Line 0 means "not about the source".
type SyntaxError struct {
	Line int    `json:"line"`
	Col  int    `json:"col"`
	Msg  string `json:"msg"`
}

// Unit is one top-level piece of a cell.
type Unit struct {
	Kind    string       `json:"kind"`
	Names   []string     `json:"names"`
	Line    int          `json:"line"`
	Col     int          `json:"col"`
	Text    string       `json:"text"`
	Imports []ImportSpec `json:"imports,omitempty"`
	Group   bool         `json:"group"`
	// Results is the number of results a func or method declares.
	Results int `json:"results,omitempty"`
	// Expr describes a statement unit that is a lone expression, the candidate for an
	// execute_result when it ends the cell.
	Expr *ExprInfo `json:"expr,omitempty"`
	// Define is set on a top-level short variable declaration (`x, y := f()`), which the
	// kernel keeps as a session variable (`var x, y = f()`): the byte offset of its `:=` in
	// Text. Text itself stays exactly the cell's.
	Define *int `json:"define,omitempty"`
}

// ExprInfo is a lone expression statement: its exact source (without trailing comments),
// and for a call of a plain or package-qualified name, the callee as written.
type ExprInfo struct {
	Text   string `json:"text"`
	Line   int    `json:"line"`
	Col    int    `json:"col"`
	Call   bool   `json:"call"`
	Callee string `json:"callee,omitempty"`
}

type ImportSpec struct {
	Path string `json:"path"`
	Name string `json:"name"`
}

// serve answers requests until r is exhausted. Lines are read with ReadBytes rather than
// bufio.Scanner because a cell can be longer than any fixed token limit.
func serve(r io.Reader, w io.Writer) error {
	in := bufio.NewReaderSize(r, 1<<16)
	out := bufio.NewWriter(w)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for {
		line, readErr := in.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			if err := enc.Encode(handle(line)); err != nil {
				return err
			}
			if err := out.Flush(); err != nil {
				return err
			}
		}
		if readErr == io.EOF {
			return nil
		}
		if readErr != nil {
			return readErr
		}
	}
}

func handle(line []byte) (resp response) {
	var req request
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(os.Stderr, "cellparse: panic: %v\n%s", p, debug.Stack())
			resp = errorResponse(fmt.Sprintf("internal error: %v", p))
		}
		if len(req.ID) > 0 {
			resp["id"] = req.ID
		}
	}()
	if err := json.Unmarshal(line, &req); err != nil {
		return errorResponse("bad request: " + err.Error())
	}
	switch req.Op {
	case "split":
		units, serr := Split(req.Source)
		if serr != nil {
			return response{"error": serr}
		}
		return response{"units": units}
	case "complete":
		return response{"status": Completeness(req.Source)}
	case "uses":
		pkgs, serr := Uses(req.Source)
		if serr != nil {
			return response{"error": serr}
		}
		return response{"packages": pkgs}
	case "stdlib":
		pkgs, err := Stdlib(req.Goroot)
		if err != nil {
			return errorResponse(err.Error())
		}
		return response{"packages": pkgs}
	case "funcsAt":
		return response{"names": FuncsAt(req.Goroot, req.Positions)}
	case "testmain":
		text, err := TestMain(req.Source, req.ImportPath, req.ModulePath)
		if err != nil {
			return errorResponse(err.Error())
		}
		return response{"testmain": text}
	case "layout":
		return response{"layout": Layout(req.Source, req.Goroot, req.Goarch, req.Types, req.ToolTags, req.ReleaseTags)}
	default:
		return errorResponse(fmt.Sprintf("unknown op %q", req.Op))
	}
}

func errorResponse(msg string) response {
	return response{"error": &SyntaxError{Msg: msg}}
}

// ---- scanning ---------------------------------------------------------------------------

// tok is one scanned token with its byte extent in the cell.
type tok struct {
	off, end int
	tok      token.Token
	lit      string
}

// isAutoSemi reports a semicolon the scanner inserted at a newline or EOF.
func (t tok) isAutoSemi() bool { return t.tok == token.SEMICOLON && t.lit != ";" }

// cellError is a syntax error at a byte offset of the cell.
type cellError struct {
	off int
	msg string
}

// cell is a scanned cell: the token stream, including comments, plus the line table that
// turns offsets back into the cell's line:col.
type cell struct {
	src     string
	file    *token.File
	toks    []tok
	scanErr *cellError
}

func scanCell(src string) *cell {
	fset := token.NewFileSet()
	c := &cell{src: src, file: fset.AddFile("cell", -1, len(src))}
	var s scanner.Scanner
	s.Init(c.file, []byte(src), func(pos token.Position, msg string) {
		c.scanErr = earlier(c.scanErr, &cellError{pos.Offset, msg})
	}, scanner.ScanComments)
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		off := c.file.Offset(pos)
		c.toks = append(c.toks, tok{off, tokenEnd(src, off, t, lit), t, lit})
	}
	return c
}

// tokenEnd finds where a token ends in the source. The literal is not always the source
// text: the scanner strips '\r' from comments and raw strings, so those are measured in
// the source itself.
func tokenEnd(src string, off int, t token.Token, lit string) int {
	end := off
	switch {
	case t == token.COMMENT && strings.HasPrefix(src[off:], "//"):
		end = len(src)
		if i := strings.IndexByte(src[off:], '\n'); i >= 0 {
			end = off + i
			if src[end-1] == '\r' {
				end--
			}
		}
	case t == token.COMMENT:
		end = len(src)
		if i := strings.Index(src[off+2:], "*/"); i >= 0 {
			end = off + 2 + i + 2
		}
	case t == token.STRING && src[off] == '`':
		end = len(src)
		if i := strings.IndexByte(src[off+1:], '`'); i >= 0 {
			end = off + 1 + i + 1
		}
	case t == token.SEMICOLON:
		if lit == ";" {
			end = off + 1
		}
	case lit != "":
		end = off + len(lit)
	default:
		end = off + len(t.String())
	}
	return min(end, len(src))
}

// position converts a cell offset to the cell's own line:col. //line directives in the
// cell are deliberately ignored: the notebook user wants to see where the error is.
func (c *cell) position(off int) (line, col int) {
	p := c.file.PositionFor(c.file.Pos(off), false)
	return p.Line, p.Column
}

func (c *cell) syntaxError(e *cellError) *SyntaxError {
	line, col := c.position(e.off)
	return &SyntaxError{Line: line, Col: col, Msg: e.msg}
}

// lastCodeEnd is the end of the last token that is neither a comment nor an inserted
// semicolon: an error at or after it is an error at EOF.
func (c *cell) lastCodeEnd() int {
	for i := len(c.toks) - 1; i >= 0; i-- {
		if t := c.toks[i]; t.tok != token.COMMENT && !t.isAutoSemi() {
			return t.end
		}
	}
	return 0
}

func earlier(a, b *cellError) *cellError {
	if a == nil || (b != nil && b.off < a.off) {
		return b
	}
	return a
}

// ---- splitting into spans ---------------------------------------------------------------

// span is a unit's extent before classification: text is src[start:end], and first..last
// index its code tokens in cell.toks.
type span struct {
	start, end  int
	first, last int
}

// spans cuts the token stream at semicolons at bracket depth 0. Comments before a unit's
// first token (since the previous unit ended) lead it; comments before its terminating
// semicolon (the scanner emits a same-line comment before the inserted semicolon) trail
// it; comments after the last unit trail the last unit.
func (c *cell) spans() []span {
	var out []span
	depth := 0
	headerEnd := -1 // index of the '{' opening the block of an if/for/switch at depth 0
	leading, pendingEnd := -1, -1
	cur := span{first: -1}
	for i, t := range c.toks {
		if t.tok == token.COMMENT {
			if cur.first >= 0 {
				cur.end = max(cur.end, t.end)
				continue
			}
			if leading < 0 {
				leading = t.off
			}
			pendingEnd = t.end
			continue
		}
		if t.tok == token.SEMICOLON && depth == 0 && i > headerEnd {
			if cur.first >= 0 {
				out = append(out, cur)
				cur = span{first: -1}
			}
			continue
		}
		if cur.first < 0 {
			cur = span{start: t.off, end: t.end, first: i}
			if leading >= 0 {
				cur.start, leading, pendingEnd = leading, -1, -1
			}
		}
		cur.last = i
		cur.end = max(cur.end, t.end)
		switch t.tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			// An unmatched closer is left for the parser to report; clamping keeps the
			// rest of the cell splittable.
			depth = max(depth-1, 0)
		case token.IF, token.FOR, token.SWITCH:
			if depth == 0 && i > headerEnd {
				headerEnd = c.blockBrace(i)
			}
		}
	}
	if cur.first >= 0 {
		out = append(out, cur)
	} else if pendingEnd >= 0 && len(out) > 0 {
		out[len(out)-1].end = pendingEnd
	}
	return out
}

// blockBrace finds the '{' that opens the block of the if/for/switch at token k, so that
// the explicit semicolons of its header (`for i := 0; i < n; i++ {`) do not split the
// unit. Tokens alone cannot tell a block brace from a composite literal brace
// (`for _, x := range []int{1, 2} {`), so each candidate is tried with go/parser: the
// right one is the one where "header {}" parses as a statement. Without a parsable
// candidate, the first brace is used and the unit's validation reports the error.
func (c *cell) blockBrace(k int) int {
	first, depth := -1, 0
	for j := k + 1; j < len(c.toks); j++ {
		t := c.toks[j]
		switch {
		case t.tok == token.LBRACE && depth == 0:
			if first < 0 {
				first = j
			}
			if headerParses(c.src[c.toks[k].off:t.off]) {
				return j
			}
			depth++
		case t.tok == token.LPAREN || t.tok == token.LBRACK || t.tok == token.LBRACE:
			depth++
		case t.tok == token.RPAREN || t.tok == token.RBRACK || t.tok == token.RBRACE:
			depth--
		case t.isAutoSemi() && depth == 0:
			return first // a header never spans a line end at depth 0
		}
		if depth < 0 {
			return first
		}
	}
	return first
}

func headerParses(header string) bool {
	_, err := parser.ParseFile(token.NewFileSet(), "", stmtPrefix+header+"{}}", parser.SkipObjectResolution)
	return err == nil
}

// ---- classifying and validating ---------------------------------------------------------

const (
	declPrefix = "package p;"
	stmtPrefix = "package p;func _(){"
	stmtSuffix = "\n}"
)

// Split splits a cell into units, or returns its first syntax error.
func Split(src string) ([]Unit, *SyntaxError) {
	c := scanCell(src)
	units, err := c.split()
	if err != nil {
		return nil, c.syntaxError(err)
	}
	return units, nil
}

func (c *cell) split() ([]Unit, *cellError) {
	spans := c.spans()
	var firstErr *cellError
	if len(spans) > 0 && c.toks[spans[0].first].tok == token.PACKAGE {
		// A pasted `package main` is harmless: the kernel writes its own package clause.
		firstErr = c.validatePackageClause(spans[0])
		spans = spans[1:]
	}
	units := make([]Unit, 0, len(spans))
	run := -1 // index of the first span of the current run of statements
	flush := func(end int) {
		if run >= 0 {
			firstErr = earlier(firstErr, c.validateStmts(spans[run].start, spans[end-1].end))
			run = -1
		}
	}
	for i, sp := range spans {
		u, validated, err := c.classify(sp)
		firstErr = earlier(firstErr, err)
		if validated {
			flush(i)
		} else if run < 0 {
			run = i
		}
		units = append(units, u)
	}
	flush(len(spans))
	if err := earlier(firstErr, c.scanErr); err != nil {
		return nil, err
	}
	return units, nil
}

// classify decides what a span is. import/type/var/const always start declarations;
// func starts one only when it parses as a FuncDecl, since `func() { ... }()` is a
// statement. Declarations and func-led statements are validated here (validated is
// true); other statements are left to be validated later, in runs.
func (c *cell) classify(sp span) (u Unit, validated bool, err *cellError) {
	u = Unit{Kind: "stmt", Names: []string{}, Text: c.src[sp.start:sp.end]}
	u.Line, u.Col = c.position(sp.start)
	switch c.toks[sp.first].tok {
	case token.IMPORT, token.TYPE, token.VAR, token.CONST:
		decl, err := c.parseDecl(sp)
		if err == nil {
			describeDecl(&u, decl)
		}
		return u, true, err
	case token.FUNC:
		decl, declErr := c.parseDecl(sp)
		if fd, ok := decl.(*ast.FuncDecl); ok && declErr == nil {
			describeDecl(&u, fd)
			return u, true, nil
		}
		stmtErr := c.validateStmts(sp.start, sp.end)
		if stmtErr != nil && c.looksLikeFuncDecl(sp) {
			return u, true, declErr
		}
		return u, true, stmtErr
	}
	if names, at, ok := c.shortVarDecl(sp); ok {
		u.Kind, u.Names, u.Define = "var", names, &at
		return u, true, nil
	}
	u.Expr = c.loneExpr(sp)
	return u, false, nil
}

// shortVarDecl reports a span that is one short variable declaration of plain names
// (`x := 1`, `a, err := f()`): its names and the offset of `:=` in the span's text.
func (c *cell) shortVarDecl(sp span) (names []string, at int, ok bool) {
	text := c.src[sp.start:sp.end]
	if !strings.Contains(text, ":=") {
		return nil, 0, false
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", stmtPrefix+text+stmtSuffix, parser.SkipObjectResolution)
	if err != nil || len(f.Decls) != 1 {
		return nil, 0, false
	}
	fd, isFunc := f.Decls[0].(*ast.FuncDecl)
	if !isFunc || fd.Body == nil || len(fd.Body.List) != 1 {
		return nil, 0, false
	}
	as, isAssign := fd.Body.List[0].(*ast.AssignStmt)
	if !isAssign || as.Tok != token.DEFINE {
		return nil, 0, false
	}
	for _, lhs := range as.Lhs {
		id, isIdent := lhs.(*ast.Ident)
		if !isIdent {
			return nil, 0, false
		}
		names = append(names, id.Name)
	}
	at = fset.Position(as.TokPos).Offset - len(stmtPrefix)
	if at < 0 || at+2 > len(text) || text[at:at+2] != ":=" {
		return nil, 0, false
	}
	return names, at, true
}

// loneExpr reports a span that is a single expression statement. A span that does not
// parse gets nil here; its error is reported when its run of statements is validated.
func (c *cell) loneExpr(sp span) *ExprInfo {
	text := c.src[sp.start:sp.end]
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", stmtPrefix+text+stmtSuffix, parser.SkipObjectResolution)
	if err != nil || len(f.Decls) != 1 {
		return nil
	}
	fd, ok := f.Decls[0].(*ast.FuncDecl)
	if !ok || fd.Body == nil || len(fd.Body.List) != 1 {
		return nil
	}
	es, ok := fd.Body.List[0].(*ast.ExprStmt)
	if !ok {
		return nil
	}
	from := fset.Position(es.X.Pos()).Offset - len(stmtPrefix)
	to := fset.Position(es.X.End()).Offset - len(stmtPrefix)
	if from < 0 || to > len(text) || from >= to {
		return nil
	}
	info := &ExprInfo{Text: text[from:to]}
	info.Line, info.Col = c.position(sp.start + from)
	if call, ok := es.X.(*ast.CallExpr); ok {
		info.Call = true
		switch fun := call.Fun.(type) {
		case *ast.Ident:
			info.Callee = fun.Name
		case *ast.SelectorExpr:
			if x, ok := fun.X.(*ast.Ident); ok {
				info.Callee = x.Name + "." + fun.Sel.Name
			}
		}
	}
	return info
}

// looksLikeFuncDecl picks which parse error to report for a `func` unit that is neither a
// valid declaration nor a valid statement: `func Name` and `func (recv) Name(` read as
// declarations, anything else as a function literal.
func (c *cell) looksLikeFuncDecl(sp span) bool {
	var code []token.Token // the span's tokens after `func`, without comments
	for i := sp.first + 1; i <= sp.last; i++ {
		if t := c.toks[i].tok; t != token.COMMENT {
			code = append(code, t)
		}
	}
	if len(code) == 0 || code[0] != token.LPAREN {
		return len(code) > 0 && code[0] == token.IDENT
	}
	depth := 0
	for j, t := range code {
		switch t {
		case token.LPAREN:
			depth++
		case token.RPAREN:
			depth--
		}
		if depth == 0 {
			// After the receiver: a method name, then its parameters or (invalid) type
			// parameters. A literal's result type is followed by '{' or '.'.
			return j+2 < len(code) && code[j+1] == token.IDENT &&
				(code[j+2] == token.LPAREN || code[j+2] == token.LBRACK)
		}
	}
	return false
}

// parseDecl parses a span as the only declaration of a file.
func (c *cell) parseDecl(sp span) (ast.Decl, *cellError) {
	f, err := parser.ParseFile(token.NewFileSet(), "", declPrefix+c.src[sp.start:sp.end], parser.SkipObjectResolution)
	if err != nil {
		return nil, mapError(err, len(declPrefix), sp.start, sp.end)
	}
	if len(f.Decls) != 1 {
		return nil, &cellError{sp.end, "expected one declaration"}
	}
	return f.Decls[0], nil
}

// validateStmts checks that src[start:end] is a statement list, by parsing it as the body
// of a function.
func (c *cell) validateStmts(start, end int) *cellError {
	text := c.src[start:end]
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", stmtPrefix+text+stmtSuffix, parser.SkipObjectResolution)
	var first *cellError
	if err != nil {
		first = mapError(err, len(stmtPrefix), start, end)
	}
	// An unmatched '}' in the cell closes the wrapper function early, and go/parser then
	// blames the wrapper's own '}'. Blame the cell's brace instead.
	if f != nil && len(f.Decls) > 0 {
		if fd, ok := f.Decls[0].(*ast.FuncDecl); ok && fd.Body != nil && fd.Body.Rbrace.IsValid() {
			rb := fset.Position(fd.Body.Rbrace).Offset - len(stmtPrefix)
			if rb >= 0 && rb < len(text) {
				first = earlier(first, &cellError{start + rb, "expected statement, found '}'"})
			}
		}
	}
	return first
}

// mapError converts go/parser's first error from wrapper coordinates to cell coordinates.
// Errors in the wrapper's prefix or suffix (typically "found 'EOF'") land on the unit's
// boundary, which is what makes "the error is at EOF" detectable. The statement wrapper's
// closing brace is where the parser met the end of the cell, so an error there reads as
// go/parser words it for a declaration cut short: "found 'EOF'".
func mapError(err error, prefixLen, start, end int) *cellError {
	list, ok := err.(scanner.ErrorList)
	if !ok || len(list) == 0 {
		return &cellError{start, err.Error()}
	}
	off, msg := list[0].Pos.Offset-prefixLen+start, list[0].Msg
	if off > end && strings.HasSuffix(msg, "found '}'") {
		msg = strings.TrimSuffix(msg, "'}'") + "'EOF'"
	}
	return &cellError{min(max(off, start), end), msg}
}

func (c *cell) validatePackageClause(sp span) *cellError {
	first := c.toks[sp.first].off
	_, err := parser.ParseFile(token.NewFileSet(), "", c.src[first:sp.end], parser.PackageClauseOnly)
	if err != nil {
		return mapError(err, 0, first, sp.end)
	}
	// PackageClauseOnly stops after the name; anything more on the clause is an error.
	code := 0
	for i := sp.first; i <= sp.last; i++ {
		if t := c.toks[i]; t.tok != token.COMMENT {
			if code++; code == 3 {
				return &cellError{t.off, fmt.Sprintf("expected ';', found %s", describeTok(t))}
			}
		}
	}
	return nil
}

func describeTok(t tok) string {
	if t.tok.IsLiteral() {
		return t.lit
	}
	return "'" + t.tok.String() + "'"
}

// describeDecl fills kind, names, imports and group from a parsed declaration.
func describeDecl(u *Unit, decl ast.Decl) {
	switch d := decl.(type) {
	case *ast.FuncDecl:
		u.Kind = "func"
		u.Names = []string{d.Name.Name}
		u.Results = d.Type.Results.NumFields()
		if d.Recv != nil && len(d.Recv.List) > 0 {
			u.Kind = "method"
			u.Names = []string{receiverBase(d.Recv.List[0].Type) + "." + d.Name.Name}
		}
	case *ast.GenDecl:
		u.Kind = d.Tok.String()
		u.Group = d.Lparen.IsValid()
		for _, spec := range d.Specs {
			switch s := spec.(type) {
			case *ast.ImportSpec:
				path, _ := strconv.Unquote(s.Path.Value)
				name := ""
				if s.Name != nil {
					name = s.Name.Name
				}
				u.Imports = append(u.Imports, ImportSpec{Path: path, Name: name})
			case *ast.TypeSpec:
				u.Names = append(u.Names, s.Name.Name)
			case *ast.ValueSpec:
				for _, n := range s.Names {
					u.Names = append(u.Names, n.Name)
				}
			}
		}
		if u.Kind == "import" && u.Imports == nil {
			u.Imports = []ImportSpec{} // `import ()` still reports an (empty) list
		}
	}
}

// receiverBase strips pointers, parentheses and type parameters: (p *List[T]) → List.
func receiverBase(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return "?"
		}
	}
}

// ---- completeness -----------------------------------------------------------------------

// Completeness tells a console whether to run a cell or wait for more lines.
func Completeness(src string) string {
	c := scanCell(src)
	_, err := c.split()
	switch {
	case err == nil:
		return "complete"
	case err.msg == "raw string literal not terminated", err.msg == "comment not terminated":
		// Both run to EOF but are reported where they start.
		return "incomplete"
	case err.off >= c.lastCodeEnd():
		return "incomplete"
	}
	return "invalid"
}

// ---- package uses -----------------------------------------------------------------------

// Uses lists the identifiers X of selectors X.Sel that resolve to nothing in the file: in
// a compilable file they can only be package names. go/parser's object resolution
// handles scopes (locals shadowing a package, receivers, type switch variables);
// file.Unresolved is used rather than Obj == nil because receiver type parameters are
// resolved without getting an Obj.
func Uses(src string) ([]string, *SyntaxError) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, 0)
	if err != nil {
		c := scanCell(src)
		return nil, c.syntaxError(mapError(err, 0, 0, len(src)))
	}
	unresolved := make(map[*ast.Ident]bool, len(f.Unresolved))
	for _, id := range f.Unresolved {
		unresolved[id] = true
	}
	seen := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && unresolved[id] {
				seen[id.Name] = true
			}
		}
		return true
	})
	pkgs := make([]string, 0, len(seen))
	for name := range seen {
		pkgs = append(pkgs, name)
	}
	sort.Strings(pkgs)
	return pkgs, nil
}

// ---- standard library -------------------------------------------------------------------

// preferred settles package names that several standard-library paths share, in favour of
// the package a Go programmer means when writing the bare name.
var preferred = map[string]string{
	"rand":     "math/rand",     // not crypto/rand, math/rand/v2
	"template": "text/template", // not html/template
	"scanner":  "text/scanner",  // not go/scanner
	"pprof":    "runtime/pprof", // not net/http/pprof
	"json":     "encoding/json", // not encoding/json/v2 (GOEXPERIMENT)
}

// Stdlib maps package names to import paths by reading one package clause per directory
// of GOROOT/src.
func Stdlib(goroot string) (map[string]string, error) {
	if goroot == "" {
		return nil, fmt.Errorf("stdlib: goroot is empty")
	}
	src := filepath.Join(goroot, "src")
	byName := map[string][]string{}
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == src {
				return err
			}
			return nil // an unreadable corner of GOROOT should not hide the rest
		}
		if !d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(src, path)
		rel = filepath.ToSlash(rel)
		if rel != "." && skipDir(rel, d.Name()) {
			return filepath.SkipDir
		}
		if name := packageName(path); name != "" {
			byName[name] = append(byName[name], rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("stdlib: %w", err)
	}
	pkgs := make(map[string]string, len(byName))
	for name, paths := range byName {
		pkgs[name] = choosePath(name, paths)
	}
	return pkgs, nil
}

func skipDir(rel, name string) bool {
	switch {
	case name == "internal", name == "vendor", name == "testdata":
		return true
	case rel == "cmd", rel == "builtin": // builtin only documents the predeclared names
		return true
	case strings.HasPrefix(name, "."), strings.HasPrefix(name, "_"):
		return true
	}
	return false
}

// packageName reads the package clause of the directory's first non-test Go file that is
// not excluded with `//go:build ignore` (generators in the tree are `package main`).
func packageName(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, n), nil, parser.PackageClauseOnly|parser.ParseComments)
		if err != nil || ignored(f) {
			continue
		}
		if name := f.Name.Name; name != "main" && name != "documentation" {
			return name
		}
		return ""
	}
	return ""
}

func ignored(f *ast.File) bool {
	for _, g := range f.Comments {
		if g.Pos() > f.Package {
			break
		}
		for _, c := range g.List {
			if strings.HasPrefix(c.Text, "//go:build") && strings.Contains(c.Text, "ignore") {
				return true
			}
		}
	}
	return false
}

func choosePath(name string, paths []string) string {
	if p, ok := preferred[name]; ok {
		for _, q := range paths {
			if q == p {
				return p
			}
		}
	}
	sort.Slice(paths, func(i, j int) bool {
		if len(paths[i]) != len(paths[j]) {
			return len(paths[i]) < len(paths[j])
		}
		return paths[i] < paths[j]
	})
	return paths[0]
}
