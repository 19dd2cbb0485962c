// Package vntext holds small helpers for Vietnamese text: Unicode
// normalisation, lenient folding for matching what people type, and the
// Vietnamese number, percent and date formats used in messages.
package vntext
