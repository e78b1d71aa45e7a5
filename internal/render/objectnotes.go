package render

import (
	"fmt"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// maxNotesShown bounds the objects the table lists per kind of note; the
// JSON report has them all.
const maxNotesShown = 20

// objectNotes lists the objects that were not assessed and those judged
// only through their pod template: an object nothing judged must show,
// not pass as clean.
func (t *tableWriter) objectNotes(rep *report.Report) {
	for _, g := range []struct {
		title string
		notes []report.ObjectNote
	}{
		{"Not assessed (%d): no checks for their kind", rep.Inventory.NotAssessed},
		{"Judged through their pod template (%d): kind not otherwise known", rep.Inventory.ViaTemplate},
	} {
		if len(g.notes) == 0 {
			continue
		}
		t.line("%s", t.style(ansiYellow, fmt.Sprintf(g.title+":", len(g.notes))))
		for i, n := range g.notes {
			if i == maxNotesShown {
				t.line("  … and %d more (all in --format json)", len(g.notes)-maxNotesShown)
				break
			}
			t.line("  %s: %s: %s", oneLine(notePosition(n)), oneLine(noteSubject(n).String()), oneLine(n.Reason))
		}
		t.line("")
	}
}

func notePosition(n report.ObjectNote) string {
	if p := (report.Location{File: n.File, Line: n.Line}).String(); p != "" {
		return p
	}
	return "(no file)"
}

func noteSubject(n report.ObjectNote) report.Subject {
	return report.Subject{APIVersion: n.APIVersion, Kind: n.Kind, Namespace: n.Namespace, Name: n.Name}
}

// sarifObjectNotes adds a note-level notification per object not assessed:
// code scanning shows them beside the results instead of a clean run.
func sarifObjectNotes(inv *sarif.Invocation, rep *report.Report) (usesSrcRoot bool) {
	for _, n := range rep.Inventory.NotAssessed {
		note := sarif.NewNotification().WithLevel(sarif.LevelNote).
			WithMessage(sarif.NewTextMessage(sarifText(fmt.Sprintf("%s not assessed: %s", noteSubject(n), n.Reason))))
		loc := sarif.NewLocation().AddLogicalLocation(sarifLogical(noteSubject(n)))
		if pl, rel := sarifPhysical(report.Location{File: n.File, Line: n.Line}); pl != nil {
			usesSrcRoot = usesSrcRoot || rel
			loc.WithPhysicalLocation(pl)
		}
		note.AddLocation(loc)
		inv.AddToolExecutionNotification(note)
	}
	return usesSrcRoot
}

// junitNotAssessed is a suite of skipped cases, one per object not
// assessed, so a test report shows what the run did not look at.
func junitNotAssessed(rep *report.Report) (junitTestsuite, bool) {
	s := junitTestsuite{Name: "bulwark not assessed", Time: "0"}
	for _, n := range rep.Inventory.NotAssessed {
		s.Cases = append(s.Cases, junitTestcase{
			Name:      xmlSafe(notePosition(n) + " " + noteSubject(n).String()),
			Classname: "bulwark.notassessed",
			File:      junitFile(n.File),
			Line:      max(n.Line, 0),
			Time:      "0",
			Skipped:   &junitProblem{Message: xmlSafe("not assessed: " + n.Reason)},
		})
		s.Skipped++
	}
	s.Tests = len(s.Cases)
	return s, len(s.Cases) > 0
}
