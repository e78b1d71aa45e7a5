package render

// FirstSentence is the first sentence of a description or remediation,
// for other entry points' one-line messages (admission responses).
func FirstSentence(s string) string { return firstSentence(s) }
