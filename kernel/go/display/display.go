// Package display shows rich output from a goperf notebook cell: HTML, Markdown, SVG, images,
// JSON, tables, any MIME bundle, and outputs that update in place (progress bars, growing charts).
//
// Each call sends one message to the kernel at once, in order with the program's prints. Outside
// a goperf cell (a test binary, a program run from a shell) the messages are built and dropped.
//
// Displays allocate (the message is encoded per call): keep them out of measured loops.
package display

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// HTML shows an HTML fragment. Front ends show it as it is: inline styles, no scripts.
func HTML(html string) { send(kindDisplay, "", textBundle("display.HTML", "text/html", html)) }

// Markdown shows Markdown text.
func Markdown(md string) { send(kindDisplay, "", textBundle("display.Markdown", "text/markdown", md)) }

// SVG shows an SVG image given as markup (chart.Line and the others make one).
func SVG(svg string) { send(kindDisplay, "", textBundle("display.SVG", "image/svg+xml", svg)) }

// Text shows plain text as an output of its own.
func Text(text string) { send(kindDisplay, "", textBundle("display.Text", "text/plain", text)) }

// PNG shows a PNG image from its encoded bytes.
func PNG(png []byte) { send(kindDisplay, "", imageBundle("image/png", "PNG", png)) }

// JPEG shows a JPEG image from its encoded bytes.
func JPEG(jpeg []byte) { send(kindDisplay, "", imageBundle("image/jpeg", "JPEG", jpeg)) }

// JSON shows a value as JSON (front ends that know application/json show it as a tree).
func JSON(v any) { send(kindDisplay, "", jsonBundle(v)) }

// Bundle shows a MIME bundle: MIME type -> content. A string is sent as it is, []byte as base64
// (images), and for a JSON type (application/json, *+json) any value is encoded as JSON.
// text/plain is added from the first text type when missing.
func Bundle(b map[string]any) { send(kindDisplay, "", bundle(b)) }

// encoded is a message's JSON object without its braces' closing: "data" first, notes after.
type encoded struct {
	data  []byte // a JSON object
	notes []string
}

func send(kind byte, id string, m encoded) {
	if channel == nil {
		return
	}
	channel.send(kind, m.payload(id))
}

// payload: headerSize free bytes for the frame's header, then
// {"data":{...},"display_id":"...","notes":[...]}
func (m encoded) payload(id string) []byte {
	b := make([]byte, headerSize, headerSize+len(m.data)+32+len(id))
	b = append(b, `{"data":`...)
	b = append(b, m.data...)
	if id != "" {
		b = append(b, `,"display_id":`...)
		b = appendString(b, id)
	}
	if len(m.notes) > 0 {
		b = append(b, `,"notes":[`...)
		for i, n := range m.notes {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, n)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func textBundle(fn, mime, text string) encoded {
	var notes []string
	if !utf8.ValidString(text) {
		notes = append(notes, invalidUTF8(fn, text))
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	b := make([]byte, 0, len(text)+len(mime)+64)
	b = append(b, '{')
	b = appendString(b, mime)
	b = append(b, ':')
	b = appendString(b, text)
	if mime != "text/plain" {
		b = append(b, `,"text/plain":`...)
		b = appendString(b, plainFor(mime, text))
	}
	return encoded{data: append(b, '}'), notes: notes}
}

func invalidUTF8(fn, text string) string {
	at := 0
	for at < len(text) {
		r, n := utf8.DecodeRuneInString(text[at:])
		if r == utf8.RuneError && n == 1 {
			break
		}
		at += n
	}
	return fmt.Sprintf("%s: the text is not valid UTF-8 (first bad byte at offset %d); bad bytes are shown as U+FFFD", fn, at)
}

// plainFor is the text/plain fallback a front end shows when it cannot show the rich type.
func plainFor(mime, text string) string {
	switch mime {
	case "text/html":
		return clip(stripTags(text))
	case "text/markdown":
		return clip(text)
	case "image/svg+xml":
		return "[SVG image, " + strconv.Itoa(len(text)) + " bytes]"
	}
	return clip(text)
}

func clip(s string) string {
	s = strings.TrimSpace(s)
	if len(s) <= 2000 {
		return s
	}
	cut := 2000
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// stripTags keeps an HTML fragment's text, runs of spaces made one: enough for a fallback, not an
// HTML parser.
func stripTags(html string) string {
	b := make([]byte, 0, len(html))
	in, space := false, true
	for i := 0; i < len(html); i++ {
		c := html[i]
		switch {
		case c == '<':
			in = true
		case c == '>' && in:
			in = false
			if !space {
				b = append(b, ' ')
				space = true
			}
		case in:
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			if !space {
				b = append(b, ' ')
				space = true
			}
		default:
			b = append(b, c)
			space = false
		}
	}
	return strings.TrimSpace(string(b))
}

func imageBundle(mime, name string, img []byte) encoded {
	b := make([]byte, 0, base64.StdEncoding.EncodedLen(len(img))+64)
	b = append(b, '{')
	b = appendString(b, mime)
	b = append(b, `:"`...)
	b = base64.StdEncoding.AppendEncode(b, img)
	b = append(b, `","text/plain":`...)
	b = appendString(b, "["+name+" image, "+strconv.Itoa(len(img))+" bytes]")
	return encoded{data: append(b, '}')}
}

func jsonBundle(v any) encoded {
	j, err := json.Marshal(v)
	if err != nil {
		return textBundle("display.JSON", "text/plain", fmt.Sprintf("display.JSON: %v", err))
	}
	indented, _ := json.MarshalIndent(v, "", "  ")
	b := []byte(`{"application/json":`)
	b = append(b, j...)
	b = append(b, `,"text/plain":`...)
	b = appendString(b, clip(string(indented)))
	return encoded{data: append(b, '}')}
}

func bundle(in map[string]any) encoded {
	data := make(map[string]any, len(in)+1)
	var notes []string
	for mime, v := range in {
		switch x := v.(type) {
		case string:
			if !utf8.ValidString(x) {
				notes = append(notes, invalidUTF8("display.Bundle["+mime+"]", x))
				x = strings.ToValidUTF8(x, "\uFFFD")
			}
			if isJSONType(mime) {
				data[mime] = json.RawMessage(x)
				if !json.Valid([]byte(x)) {
					notes = append(notes, "display.Bundle["+mime+"]: the string is not JSON; sent as a JSON string")
					data[mime] = x
				}
			} else {
				data[mime] = x
			}
		case []byte:
			data[mime] = base64.StdEncoding.EncodeToString(x)
		default:
			if isJSONType(mime) {
				data[mime] = v
			} else {
				data[mime] = fmt.Sprint(v)
			}
		}
	}
	if _, ok := data["text/plain"]; !ok {
		for _, mime := range []string{"text/markdown", "text/html", "image/svg+xml"} {
			if s, ok := data[mime].(string); ok {
				data["text/plain"] = plainFor(mime, s)
				break
			}
		}
	}
	j, err := json.Marshal(data)
	if err != nil {
		return textBundle("display.Bundle", "text/plain", fmt.Sprintf("display.Bundle: %v", err))
	}
	return encoded{data: j, notes: notes}
}

func isJSONType(mime string) bool {
	return mime == "application/json" || strings.HasSuffix(mime, "+json")
}

// appendString appends s as a JSON string; s is valid UTF-8 (callers make it so). Unlike
// encoding/json it leaves <, > and & as they are: half the size for HTML.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// escapeHTML is html.EscapeString: the html package is not imported because its init keeps its
// entity tables (about 70 KB) in every binary that links it, and a cell's link time grows with
// its binary (bench/run.ts measures a display cell against a print).
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")

func escapeHTML(s string) string { return htmlEscaper.Replace(s) }
