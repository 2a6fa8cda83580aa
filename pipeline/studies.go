package pipeline

// Every study's spec family and its part of the built-in spec (their report studies are
// linked by the stages through reports/studies).
import _ "github.com/compdiff/compdiff/pipeline/spec/studies"
