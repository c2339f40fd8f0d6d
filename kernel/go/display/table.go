package display

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Table shows rows as a table: a slice (or array) of structs, pointers to structs, or maps with
// string keys. A struct's exported fields are the columns (a `display:"name"` tag renames one,
// `display:"-"` leaves it out); maps give the union of their keys, sorted. Numbers are aligned
// right, floats with 4 significant digits. The bundle holds an HTML table and an aligned text table.
func Table(rows any) { send(kindDisplay, "", tableBundle(rows)) }

// MaxTableRows: rows past this are counted, not shown.
const MaxTableRows = 1000

func tableBundle(rows any) encoded {
	cols, cells, numeric, more, err := tabulate(rows)
	if err != nil {
		return textBundle("display.Table", "text/plain", "display.Table: "+err.Error())
	}
	var notes []string
	for _, row := range cells {
		for i, c := range row {
			if !utf8.ValidString(c) {
				if len(notes) == 0 {
					notes = append(notes, "display.Table: a cell is not valid UTF-8; bad bytes are shown as U+FFFD")
				}
				row[i] = strings.ToValidUTF8(c, "\uFFFD")
			}
		}
	}
	b := []byte(`{"text/html":`)
	b = appendString(b, htmlTable(cols, cells, numeric, more))
	b = append(b, `,"text/plain":`...)
	b = appendString(b, textTable(cols, cells, numeric, more))
	return encoded{data: append(b, '}'), notes: notes}
}

func tabulate(rows any) (cols []string, cells [][]string, numeric []bool, more int, err error) {
	v := reflect.ValueOf(rows)
	if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
		return nil, nil, nil, 0, fmt.Errorf("want a slice of structs or maps, got %T", rows)
	}
	n := v.Len()
	if n > MaxTableRows {
		more = n - MaxTableRows
		n = MaxTableRows
	}
	elem := v.Type().Elem()
	for elem.Kind() == reflect.Pointer {
		elem = elem.Elem()
	}
	switch {
	case elem.Kind() == reflect.Struct:
		var fields []int
		for i := 0; i < elem.NumField(); i++ {
			f := elem.Field(i)
			name := f.Name
			if tag, ok := f.Tag.Lookup("display"); ok {
				if tag == "-" {
					continue
				}
				name = tag
			}
			if !f.IsExported() {
				continue
			}
			fields = append(fields, i)
			cols = append(cols, name)
			numeric = append(numeric, isNumber(f.Type))
		}
		for r := 0; r < n; r++ {
			row := make([]string, len(fields))
			s := reflect.Indirect(v.Index(r))
			for i, f := range fields {
				if s.IsValid() {
					row[i] = cell(s.Field(f))
				}
			}
			cells = append(cells, row)
		}
	case elem.Kind() == reflect.Map && elem.Key().Kind() == reflect.String,
		elem.Kind() == reflect.Interface:
		seen := map[string]bool{}
		nums := map[string]bool{}
		for r := 0; r < n; r++ {
			m := reflect.Indirect(v.Index(r))
			for m.Kind() == reflect.Interface && !m.IsNil() {
				m = reflect.Indirect(m.Elem())
			}
			if m.Kind() != reflect.Map || m.Type().Key().Kind() != reflect.String {
				return nil, nil, nil, 0, fmt.Errorf("row %d is %s, not a map with string keys", r, m.Kind())
			}
			for _, k := range m.MapKeys() {
				key := k.String()
				val := m.MapIndex(k)
				for val.Kind() == reflect.Interface && !val.IsNil() {
					val = val.Elem()
				}
				num := isNumber(val.Type())
				if !seen[key] {
					seen[key] = true
					nums[key] = num
				}
				nums[key] = nums[key] && num
			}
		}
		for k := range seen {
			cols = append(cols, k)
		}
		sort.Strings(cols)
		for _, c := range cols {
			numeric = append(numeric, nums[c])
		}
		for r := 0; r < n; r++ {
			m := reflect.Indirect(v.Index(r))
			for m.Kind() == reflect.Interface {
				m = reflect.Indirect(m.Elem())
			}
			row := make([]string, len(cols))
			for i, c := range cols {
				if val := m.MapIndex(reflect.ValueOf(c).Convert(m.Type().Key())); val.IsValid() {
					row[i] = cell(val)
				}
			}
			cells = append(cells, row)
		}
	default:
		return nil, nil, nil, 0, fmt.Errorf("want a slice of structs or maps, got a slice of %s", elem)
	}
	return cols, cells, numeric, more, nil
}

// cell is a value as the table shows it: floats with 4 significant digits (a measured 6.250228 ns
// is 6.250 ns), everything else as %v.
func cell(v reflect.Value) string {
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() == reflect.Float32 || v.Kind() == reflect.Float64 {
		return formatFloat(v.Float())
	}
	return fmt.Sprint(v.Interface())
}

func formatFloat(f float64) string {
	abs := math.Abs(f)
	if f == 0 || math.IsNaN(f) || math.IsInf(f, 0) || abs >= 1e15 || abs < 1e-4 {
		return strconv.FormatFloat(f, 'g', 4, 64)
	}
	return strconv.FormatFloat(f, 'f', max(0, 3-int(math.Floor(math.Log10(abs)))), 64)
}

func isNumber(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

const (
	cellStyle = "padding:2px 10px;border-bottom:1px solid rgba(128,128,128,0.25);white-space:nowrap"
	headStyle = "padding:2px 10px;border-bottom:1px solid rgba(128,128,128,0.6);font-weight:600;white-space:nowrap"
)

func htmlTable(cols []string, cells [][]string, numeric []bool, more int) string {
	var b strings.Builder
	b.WriteString(`<table style="border-collapse:collapse;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:12.5px;font-variant-numeric:tabular-nums">`)
	b.WriteString("<thead><tr>")
	align := func(i int) string {
		if numeric[i] {
			return ";text-align:right"
		}
		return ";text-align:left"
	}
	for i, c := range cols {
		b.WriteString(`<th style="` + headStyle + align(i) + `">` + escapeHTML(c) + "</th>")
	}
	b.WriteString("</tr></thead><tbody>")
	for _, row := range cells {
		b.WriteString("<tr>")
		for i, c := range row {
			b.WriteString(`<td style="` + cellStyle + align(i) + `">` + escapeHTML(c) + "</td>")
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	if more > 0 {
		fmt.Fprintf(&b, `<div style="font-size:11px;color:#808080">… %d more rows (display.Table shows %d)</div>`, more, MaxTableRows)
	}
	return b.String()
}

func textTable(cols []string, cells [][]string, numeric []bool, more int) string {
	width := make([]int, len(cols))
	for i, c := range cols {
		width[i] = utf8.RuneCountInString(c)
	}
	for _, row := range cells {
		for i, c := range row {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	line := func(row []string) {
		var l strings.Builder
		for i, c := range row {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				l.WriteString("  ")
			}
			if numeric[i] {
				l.WriteString(pad + c)
			} else {
				l.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	line(cols)
	rule := make([]string, len(cols))
	for i := range cols {
		rule[i] = strings.Repeat("-", width[i])
	}
	line(rule)
	for _, row := range cells {
		line(row)
	}
	if more > 0 {
		fmt.Fprintf(&b, "… %d more rows (display.Table shows %d)\n", more, MaxTableRows)
	}
	return strings.TrimRight(b.String(), "\n")
}
