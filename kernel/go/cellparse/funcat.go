package main

// FuncsAt names the function declared around each of a set of positions ("$GOROOT/src/strings/
// strings.go:521"): %asm marks code inlined from the standard library (or a module) with the
// function it came from, where the compiler's line table gives only the file and line.

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

// parsedFiles keeps each file parsed once per helper: the standard library does not change under it.
var parsedFiles = map[string]*funcFile{}

type funcFile struct {
	fset  *token.FileSet
	file  *ast.File
	valid bool
}

func FuncsAt(goroot string, positions []string) map[string]string {
	out := map[string]string{}
	for _, pos := range positions {
		colon := strings.LastIndexByte(pos, ':')
		if colon < 0 {
			continue
		}
		line, err := strconv.Atoi(pos[colon+1:])
		if err != nil {
			continue
		}
		path := strings.Replace(pos[:colon], "$GOROOT", goroot, 1)
		f := parsedFiles[path]
		if f == nil {
			f = &funcFile{fset: token.NewFileSet()}
			f.file, err = parser.ParseFile(f.fset, path, nil, parser.SkipObjectResolution)
			f.valid = err == nil
			parsedFiles[path] = f
		}
		if !f.valid {
			continue
		}
		if name := funcAt(f, line); name != "" {
			out[pos] = name
		}
	}
	return out
}

// funcAt is pkg.F, pkg.T.M or pkg.(*T).M, as the compiler names them, for the declaration that
// spans the line.
func funcAt(f *funcFile, line int) string {
	for _, d := range f.file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || f.fset.Position(fd.Pos()).Line > line || f.fset.Position(fd.End()).Line < line {
			continue
		}
		name := fd.Name.Name
		if fd.Recv != nil && len(fd.Recv.List) == 1 {
			t := fd.Recv.List[0].Type
			if p, ok := t.(*ast.ParenExpr); ok {
				t = p.X
			}
			if _, ok := t.(*ast.StarExpr); ok {
				name = "(*" + receiverBase(t) + ")." + name
			} else {
				name = receiverBase(t) + "." + name
			}
		}
		return f.file.Name.Name + "." + name
	}
	return ""
}
