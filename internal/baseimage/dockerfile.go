package baseimage

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// MaxDockerfileSize bounds FinalFrom's input; real Dockerfiles are a few KiB
// and the limit keeps hostile input from costing more than a moment.
const MaxDockerfileSize = 1 << 20

// Scratch is what FinalFrom returns for an image built FROM scratch.
const Scratch = "scratch"

// Expanded ARG values are capped so that ARGs doubling each other
// (ARG B=$A$A, ARG C=$B$B, ...) cannot blow up memory.
const maxValueLen = 64 << 10

// Platform ARGs BuildKit defines in the global scope without a declaration.
var automaticArgs = map[string]bool{
	"TARGETPLATFORM": true, "TARGETOS": true, "TARGETARCH": true, "TARGETVARIANT": true,
	"BUILDPLATFORM": true, "BUILDOS": true, "BUILDARCH": true, "BUILDVARIANT": true,
}

type stage struct {
	name string // lower-cased alias, "" when unnamed
	base string // expanded FROM argument
	line int
}

// FinalFrom returns the base reference of the last stage of a Dockerfile,
// following stage aliases to the image they start from. Only the final stage
// ships, so only its base matters for freshness. buildArgs are --build-arg
// values. An image built FROM scratch yields Scratch.
func FinalFrom(dockerfile []byte, buildArgs map[string]string) (string, error) {
	stages, err := parseStages(dockerfile, buildArgs)
	if err != nil {
		return "", err
	}
	if len(stages) == 0 {
		return "", errors.New("dockerfile: no FROM instruction")
	}
	return resolveStage(stages, len(stages)-1)
}

func resolveStage(stages []stage, i int) (string, error) {
	base := stages[i].base
	// A FROM can only name stages declared before it, so each hop moves to
	// a lower index and the walk ends.
	for {
		lower := strings.ToLower(base)
		if lower == Scratch {
			return Scratch, nil
		}
		j := -1
		for k := i - 1; k >= 0; k-- {
			if stages[k].name != "" && stages[k].name == lower {
				j = k
				break
			}
		}
		if j < 0 {
			break
		}
		i, base = j, stages[j].base
	}
	if _, err := name.ParseReference(base); err != nil {
		return "", fmt.Errorf("dockerfile line %d: FROM %q is not a valid image reference: %w", stages[i].line, base, err)
	}
	return base, nil
}

type logicalLine struct {
	text string
	line int // first physical line, 1-based
}

func parseStages(src []byte, buildArgs map[string]string) ([]stage, error) {
	if len(src) > MaxDockerfileSize {
		return nil, fmt.Errorf("dockerfile: %d bytes exceeds the %d byte limit", len(src), MaxDockerfileSize)
	}
	text := strings.TrimPrefix(string(src), "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	escape, first, err := directives(lines)
	if err != nil {
		return nil, err
	}
	args := newArgScope(buildArgs)
	var stages []stage
	err = logicalLines(lines[first:], first, escape, func(l logicalLine) error {
		instr, rest := splitInstruction(l.text)
		switch instr {
		case "ARG":
			if len(stages) > 0 {
				return nil // stage-local ARGs cannot reach a FROM
			}
			return args.declare(rest, escape, l.line)
		case "FROM":
			st, err := parseFrom(rest, escape, args, l.line)
			if err != nil {
				return err
			}
			stages = append(stages, st)
		}
		return nil
	})
	return stages, err
}

var directiveRE = regexp.MustCompile(`^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$`)

// directives reads parser directives, which are only honoured at the very
// top of the file; it returns the escape character and the first line after.
func directives(lines []string) (rune, int, error) {
	escape := '\\'
	for i, l := range lines {
		m := directiveRE.FindStringSubmatch(l)
		if m == nil {
			return escape, i, nil
		}
		switch strings.ToLower(m[1]) {
		case "escape":
			switch m[2] {
			case "\\":
				escape = '\\'
			case "`":
				escape = '`'
			default:
				return 0, 0, fmt.Errorf("dockerfile line %d: invalid escape directive %q (want \\ or `)", i+1, m[2])
			}
		case "syntax", "check":
		default:
			// Unknown directives are plain comments and end the directive block.
			return escape, i, nil
		}
	}
	return escape, len(lines), nil
}

func splitInstruction(s string) (string, string) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return strings.ToUpper(s), ""
	}
	return strings.ToUpper(s[:i]), strings.TrimSpace(s[i:])
}

// logicalLines joins continuation lines, drops comments and skips heredoc
// bodies (whose lines could otherwise be mistaken for a FROM).
func logicalLines(lines []string, offset int, escape rune, emit func(logicalLine) error) error {
	esc := string(escape)
	var cur strings.Builder
	start := 0
	inLine := false
	for i := 0; i < len(lines); i++ {
		raw := lines[i]
		trimmed := strings.TrimSpace(raw)
		// Comments and blank lines vanish even inside a continuation, as in
		// BuildKit.
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if !inLine {
			start, inLine = offset+i+1, true
		}
		body := strings.TrimRight(raw, " \t")
		if strings.HasSuffix(body, esc) {
			cur.WriteString(strings.TrimSuffix(body, esc))
			continue
		}
		cur.WriteString(body)
		l := logicalLine{text: cur.String(), line: start}
		cur.Reset()
		inLine = false
		i = skipHeredocs(l.text, lines, i)
		if err := emit(l); err != nil {
			return err
		}
	}
	if inLine {
		return emit(logicalLine{text: cur.String(), line: start})
	}
	return nil
}

var heredocRE = regexp.MustCompile(`<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)(["']?)`)

// skipHeredocs returns the index of the last physical line consumed by the
// heredocs that the instruction at line i opens.
func skipHeredocs(instr string, lines []string, i int) int {
	switch kw, _ := splitInstruction(instr); kw {
	case "RUN", "COPY", "ADD":
	default:
		return i
	}
	for _, m := range heredocRE.FindAllStringSubmatchIndex(instr, -1) {
		// "<<<" is a bash here-string, not a heredoc.
		if m[0] > 0 && instr[m[0]-1] == '<' {
			continue
		}
		if instr[m[4]:m[5]] != instr[m[8]:m[9]] {
			continue
		}
		stripTabs, word := m[3] > m[2], instr[m[6]:m[7]]
		for i++; i < len(lines); i++ {
			l := lines[i]
			if stripTabs {
				l = strings.TrimLeft(l, "\t")
			}
			if l == word {
				break
			}
		}
	}
	return i
}

func parseFrom(rest string, escape rune, args *argScope, line int) (stage, error) {
	words, err := shellWords(rest, escape, args.lookup, &args.budget)
	if err != nil {
		return stage{}, fmt.Errorf("dockerfile line %d: FROM: %w", line, err)
	}
	for len(words) > 0 && strings.HasPrefix(words[0], "--") {
		words = words[1:] // --platform and future flags do not change the base name
	}
	if len(words) == 0 {
		return stage{}, fmt.Errorf("dockerfile line %d: FROM without an image", line)
	}
	st := stage{line: line}
	switch {
	case len(words) == 1:
	case len(words) == 3 && strings.EqualFold(words[1], "AS"):
		st.name = strings.ToLower(words[2])
	default:
		return stage{}, fmt.Errorf("dockerfile line %d: FROM wants an image and an optional AS name, got %q", line, rest)
	}
	st.base = words[0]
	if st.base == "" {
		return stage{}, fmt.Errorf("dockerfile line %d: FROM %q expands to an empty image name (unset ARG?)", line, rest)
	}
	return st, nil
}
