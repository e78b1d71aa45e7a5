package baseimage

import (
	"errors"
	"fmt"
	"strings"
)

// argScope holds the ARGs declared before the first FROM, the only ones a
// FROM line can see.
type argScope struct {
	overrides map[string]string
	vals      map[string]string // declared and set
	budget    int
}

func newArgScope(buildArgs map[string]string) *argScope {
	a := &argScope{overrides: buildArgs, vals: map[string]string{}, budget: expansionBudget}
	for k, v := range buildArgs {
		if automaticArgs[k] {
			a.vals[k] = v
		}
	}
	return a
}

func (a *argScope) lookup(k string) (string, bool) {
	v, ok := a.vals[k]
	return v, ok
}

// declare handles `ARG A`, `ARG A=default`, `ARG A=1 B="two words"`.
// A --build-arg only takes effect for names the Dockerfile declares, as in
// BuildKit.
func (a *argScope) declare(rest string, escape rune, line int) error {
	words, err := shellWords(rest, escape, a.lookup, &a.budget)
	if err != nil {
		return fmt.Errorf("dockerfile line %d: ARG: %w", line, err)
	}
	if len(words) == 0 {
		return fmt.Errorf("dockerfile line %d: ARG without a name", line)
	}
	for _, w := range words {
		k, v, hasDefault := strings.Cut(w, "=")
		if k == "" {
			return fmt.Errorf("dockerfile line %d: ARG %q has no name", line, w)
		}
		if o, ok := a.overrides[k]; ok {
			a.vals[k] = o
		} else if hasDefault {
			a.vals[k] = v
		} else if !automaticArgs[k] {
			delete(a.vals, k)
		}
	}
	return nil
}

// Expansion nesting such as ${A:-${B:-${C}}} is legal but never deep in real
// files; the cap keeps recursion bounded on fuzzed input.
const maxExpandDepth = 32

var errTooLong = fmt.Errorf("word longer than %d bytes after expansion", maxValueLen)

// expansionBudget caps the bytes produced by variable expansion in one
// Dockerfile: without it, a megabyte of `ARG B=$A` lines each copying a
// 64 KiB value would cost gigabytes.
const expansionBudget = 8 << 20

var errBudget = fmt.Errorf("variable expansion produced more than %d bytes", expansionBudget)

// shellWords splits s into words the way BuildKit's lexer does for FROM and
// ARG: quotes group, the escape character protects the next character, and
// $VAR / ${VAR...} expand inside a word without splitting it.
func shellWords(s string, escape rune, lookup func(string) (string, bool), budget *int) ([]string, error) {
	lx := &lexer{src: []rune(s), escape: escape, lookup: lookup, budget: budget}
	return lx.words()
}

type lexer struct {
	src    []rune
	pos    int
	escape rune
	lookup func(string) (string, bool)
	budget *int
}

func (lx *lexer) charge(n int) error {
	*lx.budget -= n
	if *lx.budget < 0 {
		return errBudget
	}
	return nil
}

func (lx *lexer) peek() (rune, bool) {
	if lx.pos >= len(lx.src) {
		return 0, false
	}
	return lx.src[lx.pos], true
}

func (lx *lexer) words() ([]string, error) {
	var out []string
	for {
		for lx.pos < len(lx.src) && (lx.src[lx.pos] == ' ' || lx.src[lx.pos] == '\t') {
			lx.pos++
		}
		if lx.pos >= len(lx.src) {
			return out, nil
		}
		w, err := lx.word()
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
}

func (lx *lexer) word() (string, error) {
	var b strings.Builder
	for {
		c, ok := lx.peek()
		if !ok || c == ' ' || c == '\t' {
			return b.String(), nil
		}
		lx.pos++
		switch {
		case c == lx.escape:
			if n, ok := lx.peek(); ok {
				b.WriteRune(n)
				lx.pos++
			} else {
				b.WriteRune(c)
			}
		case c == '\'':
			end := lx.indexFrom('\'')
			if end < 0 {
				return "", errors.New("unterminated single quote")
			}
			b.WriteString(string(lx.src[lx.pos:end]))
			lx.pos = end + 1
		case c == '"':
			if err := lx.doubleQuoted(&b); err != nil {
				return "", err
			}
		case c == '$':
			if err := lx.dollar(&b, 0); err != nil {
				return "", err
			}
		default:
			b.WriteRune(c)
		}
		if b.Len() > maxValueLen {
			return "", errTooLong
		}
	}
}

func (lx *lexer) indexFrom(r rune) int {
	for i := lx.pos; i < len(lx.src); i++ {
		if lx.src[i] == r {
			return i
		}
	}
	return -1
}

func (lx *lexer) doubleQuoted(b *strings.Builder) error {
	for {
		c, ok := lx.peek()
		if !ok {
			return errors.New("unterminated double quote")
		}
		lx.pos++
		switch c {
		case '"':
			return nil
		case lx.escape:
			n, ok := lx.peek()
			if ok && (n == '"' || n == '$' || n == lx.escape) {
				b.WriteRune(n)
				lx.pos++
			} else {
				b.WriteRune(c)
			}
		case '$':
			if err := lx.dollar(b, 0); err != nil {
				return err
			}
		default:
			b.WriteRune(c)
		}
		if b.Len() > maxValueLen {
			return errTooLong
		}
	}
}

func isNameStart(c rune) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }
func isNameChar(c rune) bool  { return isNameStart(c) || (c >= '0' && c <= '9') }

// dollar expands what follows a '$' (already consumed).
func (lx *lexer) dollar(b *strings.Builder, depth int) error {
	c, ok := lx.peek()
	switch {
	case ok && c == '{':
		lx.pos++
		v, err := lx.braced(depth)
		if err != nil {
			return err
		}
		b.WriteString(v)
		return lx.charge(len(v))
	case ok && isNameStart(c):
		start := lx.pos
		for lx.pos < len(lx.src) && isNameChar(lx.src[lx.pos]) {
			lx.pos++
		}
		v, _ := lx.lookup(string(lx.src[start:lx.pos]))
		b.WriteString(v)
		return lx.charge(len(v))
	default:
		b.WriteRune('$')
	}
	return nil
}

// braced expands ${NAME}, ${NAME:-w}, ${NAME-w}, ${NAME:+w}, ${NAME+w},
// ${NAME:?w}, ${NAME?w}; the '{' is already consumed.
func (lx *lexer) braced(depth int) (string, error) {
	if depth >= maxExpandDepth {
		return "", errors.New("variable expansion nested too deeply")
	}
	start := lx.pos
	for lx.pos < len(lx.src) && isNameChar(lx.src[lx.pos]) {
		lx.pos++
	}
	name := string(lx.src[start:lx.pos])
	if name == "" || !isNameStart(rune(name[0])) {
		return "", errors.New("bad variable name in ${...}")
	}
	val, set := lx.lookup(name)
	c, ok := lx.peek()
	if !ok {
		return "", errors.New("unterminated ${")
	}
	lx.pos++
	if c == '}' {
		return val, nil
	}
	colon := c == ':'
	if colon {
		if c, ok = lx.peek(); !ok {
			return "", errors.New("unterminated ${")
		}
		lx.pos++
	}
	if c != '-' && c != '+' && c != '?' {
		return "", fmt.Errorf("unsupported modifier in ${%s...}", name)
	}
	word, err := lx.modifierWord(depth)
	if err != nil {
		return "", err
	}
	present := set && (!colon || val != "")
	switch c {
	case '-':
		if present {
			return val, nil
		}
		return word, nil
	case '+':
		if present {
			return word, nil
		}
		return "", nil
	default: // '?'
		if present {
			return val, nil
		}
		if word == "" {
			word = "is not set"
		}
		return "", fmt.Errorf("%s: %s", name, word)
	}
}

// modifierWord reads the word of ${NAME:-word} up to the matching '}',
// expanding nested variables.
func (lx *lexer) modifierWord(depth int) (string, error) {
	var b strings.Builder
	for {
		c, ok := lx.peek()
		if !ok {
			return "", errors.New("unterminated ${")
		}
		lx.pos++
		switch {
		case c == '}':
			return b.String(), nil
		case c == lx.escape:
			if n, ok := lx.peek(); ok {
				b.WriteRune(n)
				lx.pos++
			}
		case c == '$':
			if n, ok := lx.peek(); ok && n == '{' {
				lx.pos++
				v, err := lx.braced(depth + 1)
				if err != nil {
					return "", err
				}
				b.WriteString(v)
				if err := lx.charge(len(v)); err != nil {
					return "", err
				}
			} else if err := lx.dollar(&b, depth+1); err != nil {
				return "", err
			}
		default:
			b.WriteRune(c)
		}
		if b.Len() > maxValueLen {
			return "", errTooLong
		}
	}
}
