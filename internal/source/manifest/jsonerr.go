package manifest

import "encoding/json"

// jsonTypeError is what sigs.k8s.io/json returns for a value of the wrong
// type; it reuses encoding/json's error type.
type jsonTypeError = json.UnmarshalTypeError
