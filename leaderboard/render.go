package leaderboard

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// A weekly job does not draw its charts and workbooks: 50,000 principals' charts take hours
// to draw. It writes each as a spec in the outbox row (storage.Message.Render) and the sender
// draws it just before sending, with RenderAttachment (bot.WithRenderer). A spec holds the
// board's units themselves, so the picture shows the figures of the text it goes with, not
// those of the moment it is sent.

// Attachment kinds of a spec.
const (
	SpecChart    = "chart"
	SpecWorkbook = "workbook"
)

// attachmentSpec is the JSON of a Render spec.
type attachmentSpec struct {
	Kind   string     `json:"kind"`
	File   string     `json:"file"`
	Title  string     `json:"title"`
	Week   string     `json:"week"`
	Target float64    `json:"target"`
	Warn   float64    `json:"warn"`
	Final  bool       `json:"final,omitempty"`
	Now    time.Time  `json:"now,omitzero"`
	Units  []specUnit `json:"units"`
}

// specUnit is a Unit with short keys.
type specUnit struct {
	Name            string  `json:"n"`
	Enrolment       int     `json:"e"`
	ThroughSchool   int     `json:"t"`
	Other           int     `json:"o"`
	Reported        bool    `json:"r,omitempty"`
	LastWeek        string  `json:"l,omitempty"`
	Classes         int     `json:"c,omitempty"`
	ClassesReported int     `json:"cr,omitempty"`
	Prev            *[2]int `json:"p,omitempty"` // enrolment, insured
}

func newSpec(kind, file string, b Board) attachmentSpec {
	sp := attachmentSpec{Kind: kind, File: file, Title: b.Title, Week: b.Week, Target: b.TargetPercent,
		Warn: b.WarnBelowPercent, Final: b.Final, Now: b.Now, Units: make([]specUnit, len(b.Units))}
	for i, u := range b.Units {
		su := specUnit{Name: u.Name, Enrolment: u.Enrolment, ThroughSchool: u.ThroughSchool, Other: u.Other,
			Reported: u.Reported, LastWeek: u.LastWeek, Classes: u.Classes, ClassesReported: u.ClassesReported}
		if u.Prev != nil {
			su.Prev = &[2]int{u.Prev.Enrolment, u.Prev.Insured}
		}
		sp.Units[i] = su
	}
	return sp
}

func (sp attachmentSpec) board() Board {
	b := Board{Title: sp.Title, Week: sp.Week, TargetPercent: sp.Target, WarnBelowPercent: sp.Warn,
		Final: sp.Final, Now: sp.Now, Units: make([]Unit, len(sp.Units))}
	for i, su := range sp.Units {
		u := Unit{Name: su.Name, Enrolment: su.Enrolment, ThroughSchool: su.ThroughSchool, Other: su.Other,
			Reported: su.Reported, LastWeek: su.LastWeek, Classes: su.Classes, ClassesReported: su.ClassesReported}
		if su.Prev != nil {
			u.Prev = &Figure{Enrolment: su.Prev[0], Insured: su.Prev[1]}
		}
		b.Units[i] = u
	}
	return b
}

func marshalSpec(sp attachmentSpec) (string, error) {
	data, err := json.Marshal(sp)
	if err != nil {
		return "", fmt.Errorf("leaderboard: %s spec: %w", sp.Kind, err)
	}
	return string(data), nil
}

// ChartSpec is the spec of a board's chart (ChartPNG), in a file of the given name.
func ChartSpec(b Board, file string) (string, error) {
	return marshalSpec(newSpec(SpecChart, file, b))
}

// WorkbookSpec is the spec of an area board's workbook (AreaWorkbook).
func WorkbookSpec(b Board, file string) (string, error) {
	return marshalSpec(newSpec(SpecWorkbook, file, b))
}

// RenderAttachment draws the photo or document a Render spec describes (a board's chart PNG
// or an area's workbook) and returns its file name and bytes. It is the sender's renderer
// (bot.WithRenderer); it reads nothing but the spec.
func RenderAttachment(ctx context.Context, spec string) (name string, data []byte, err error) {
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	var sp attachmentSpec
	if err := json.Unmarshal([]byte(spec), &sp); err != nil {
		return "", nil, fmt.Errorf("leaderboard: render spec: %w", err)
	}
	b := sp.board()
	switch sp.Kind {
	case SpecChart:
		data, err = ChartPNG(b.Title+" — "+FormatWeek(b.Week), Rank(b.Units), b.TargetPercent, b.WarnBelowPercent)
	case SpecWorkbook:
		data, err = AreaWorkbook(b)
	default:
		return "", nil, fmt.Errorf("leaderboard: render spec: unknown kind %q", sp.Kind)
	}
	if err != nil {
		return "", nil, err
	}
	return sp.File, data, nil
}
