package main

// Struct layout as the compiler sees it: go/types with the gc sizes for a GOARCH (types.SizesFor,
// the same rules cmd/compile applies), not hand-written alignment rules. The optimal order is the
// one the fieldalignment analyzer (golang.org/x/tools/go/analysis/passes/fieldalignment)
// suggests; its optimalOrder and ptrdata are unexported, and this helper has no dependencies
// outside the standard library (it is built offline, once), so they are repeated here, in the
// analyzer's words, with its ordering rules unchanged.

import (
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
)

type LayoutField struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Offset  int64  `json:"offset"`
	Size    int64  `json:"size"`
	Align   int64  `json:"align"`
	Ptrdata int64  `json:"ptrdata"`
	Padding int64  `json:"padding"`
}

type Optimal struct {
	Order   []string `json:"order"`
	Size    int64    `json:"size"`
	Ptrdata int64    `json:"ptrdata"`
}

type LayoutType struct {
	Name    string        `json:"name"`
	Size    int64         `json:"size"`
	Align   int64         `json:"align"`
	Ptrdata int64         `json:"ptrdata"`
	Padding int64         `json:"padding"`
	Fields  []LayoutField `json:"fields"`
	Optimal Optimal       `json:"optimal"`
}

type LayoutResult struct {
	Types []LayoutType `json:"types"`
	// Structs are the struct types the file declares; Others its other named types (for errors).
	Structs []string `json:"structs"`
	Others  []string `json:"others"`
	// Missing names asked for that are not declared; NotStruct those that are not structs.
	Missing   []string `json:"missing,omitempty"`
	NotStruct []string `json:"notStruct,omitempty"`
	// Errors are the type checker's, positioned as the //line directives say (cell coordinates).
	Errors []string `json:"errors,omitempty"`
}

// importers keeps one source importer per GOROOT and GOARCH: each caches the packages it has checked.
// The file set is the importer's, shared by the files checked with it.
var importers = map[string]struct {
	fset *token.FileSet
	imp  types.Importer
}{}

func Layout(src, goroot, goarch string, names, toolTags, releaseTags []string) LayoutResult {
	sizes := types.SizesFor("gc", goarch)
	var res LayoutResult
	if sizes == nil {
		res.Errors = []string{"unknown GOARCH " + goarch}
		return res
	}
	// The source importer reads build.Default: the target's GOARCH decides which files it checks;
	// cgo off so that a package like net is checked from its pure-Go files, without running cgo.
	build.Default.GOARCH = goarch
	build.Default.CgoEnabled = false
	if goroot != "" {
		build.Default.GOROOT = goroot
	}
	if len(toolTags) > 0 {
		build.Default.ToolTags = toolTags
	}
	if len(releaseTags) > 0 {
		build.Default.ReleaseTags = releaseTags
	}
	key := goroot + "\x00" + goarch
	cached, ok := importers[key]
	if !ok {
		cached.fset = token.NewFileSet()
		cached.imp = importer.ForCompiler(cached.fset, "source", nil)
		importers[key] = cached
	}
	fset, imp := cached.fset, cached.imp
	file, err := parser.ParseFile(fset, "main.go", src, parser.ParseComments)
	if err != nil {
		res.Errors = []string{err.Error()}
		return res
	}
	conf := types.Config{Importer: imp, Sizes: sizes, GoVersion: "", Error: func(err error) { res.Errors = append(res.Errors, err.Error()) }}
	pkg, _ := conf.Check("main", fset, []*ast.File{file}, nil)
	scope := pkg.Scope()
	for _, n := range scope.Names() {
		tn, ok := scope.Lookup(n).(*types.TypeName)
		if !ok {
			continue
		}
		if _, isStruct := tn.Type().Underlying().(*types.Struct); isStruct {
			res.Structs = append(res.Structs, n)
		} else {
			res.Others = append(res.Others, n)
		}
	}
	for _, n := range names {
		tn, ok := scope.Lookup(n).(*types.TypeName)
		if !ok {
			res.Missing = append(res.Missing, n)
			continue
		}
		st, ok := tn.Type().Underlying().(*types.Struct)
		if !ok {
			res.NotStruct = append(res.NotStruct, n)
			continue
		}
		res.Types = append(res.Types, layoutOf(n, st, &gcSizes{sizes, sizes.Sizeof(types.Typ[types.Uintptr])}))
	}
	return res
}

type gcSizes struct {
	types.Sizes
	wordSize int64
}

func layoutOf(name string, st *types.Struct, s *gcSizes) LayoutType {
	n := st.NumFields()
	fields := make([]*types.Var, n)
	for i := range fields {
		fields[i] = st.Field(i)
	}
	offsets := s.Offsetsof(fields)
	size := s.Sizeof(st)
	lt := LayoutType{Name: name, Size: size, Align: s.Alignof(st), Ptrdata: s.ptrdata(st), Fields: []LayoutField{}}
	for i, f := range fields {
		fs := s.Sizeof(f.Type())
		end := size
		if i+1 < n {
			end = offsets[i+1]
		}
		pad := end - offsets[i] - fs
		lt.Padding += pad
		lt.Fields = append(lt.Fields, LayoutField{
			Name: f.Name(), Type: types.TypeString(f.Type(), types.RelativeTo(f.Pkg())),
			Offset: offsets[i], Size: fs, Align: s.Alignof(f.Type()), Ptrdata: s.ptrdata(f.Type()), Padding: pad,
		})
	}
	if n > 0 && lt.Fields[0].Offset > 0 {
		lt.Padding += lt.Fields[0].Offset
	}
	order := optimalOrder(fields, s)
	opt := make([]*types.Var, n)
	lt.Optimal.Order = make([]string, n)
	for i, k := range order {
		opt[i] = fields[k]
		lt.Optimal.Order[i] = fields[k].Name()
	}
	optStruct := types.NewStruct(opt, nil)
	lt.Optimal.Size = s.Sizeof(optStruct)
	lt.Optimal.Ptrdata = s.ptrdata(optStruct)
	return lt
}

// optimalOrder is fieldalignment's: zero-sized fields first, then by alignment (largest first),
// pointerful before pointer-free, among pointerful the fewest trailing non-pointer bytes first,
// then by size. A stable sort keeps the declared order among equals.
func optimalOrder(fields []*types.Var, s *gcSizes) []int {
	type elem struct {
		index                    int
		alignof, sizeof, ptrdata int64
	}
	elems := make([]elem, len(fields))
	for i, f := range fields {
		ft := f.Type()
		elems[i] = elem{i, s.Alignof(ft), s.Sizeof(ft), s.ptrdata(ft)}
	}
	sort.SliceStable(elems, func(i, j int) bool {
		ei, ej := &elems[i], &elems[j]
		if zi, zj := ei.sizeof == 0, ej.sizeof == 0; zi != zj {
			return zi
		}
		if ei.alignof != ej.alignof {
			return ei.alignof > ej.alignof
		}
		if ni, nj := ei.ptrdata == 0, ej.ptrdata == 0; ni != nj {
			return nj
		}
		if ei.ptrdata != 0 {
			if ti, tj := ei.sizeof-ei.ptrdata, ej.sizeof-ej.ptrdata; ti != tj {
				return ti < tj
			}
		}
		return ei.sizeof > ej.sizeof
	})
	out := make([]int, len(elems))
	for i, e := range elems {
		out[i] = e.index
	}
	return out
}

// ptrdata is the runtime's: the length of the prefix of a value of type T that can hold pointers
// (fieldalignment's gcSizes.ptrdata).
func (s *gcSizes) ptrdata(T types.Type) int64 {
	switch t := T.Underlying().(type) {
	case *types.Basic:
		switch t.Kind() {
		case types.String, types.UnsafePointer:
			return s.wordSize
		}
		return 0
	case *types.Chan, *types.Map, *types.Pointer, *types.Signature, *types.Slice:
		return s.wordSize
	case *types.Interface:
		return 2 * s.wordSize
	case *types.Array:
		n := t.Len()
		if n == 0 {
			return 0
		}
		a := s.ptrdata(t.Elem())
		if a == 0 {
			return 0
		}
		return (n-1)*s.Sizeof(t.Elem()) + a
	case *types.Struct:
		var o, p int64
		for i := 0; i < t.NumFields(); i++ {
			ft := t.Field(i).Type()
			a, sz := s.Alignof(ft), s.Sizeof(ft)
			fp := s.ptrdata(ft)
			o = (o + a - 1) / a * a
			if fp != 0 {
				p = o + fp
			}
			o += sz
		}
		return p
	}
	return 0
}
