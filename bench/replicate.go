package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	sigsyaml "sigs.k8s.io/yaml"
)

// RealCorpus is the corpus of public manifests the replicated benchmark
// is built from (relative to the repository's parent, as on the machine
// where the numbers in README.md were measured).
const RealCorpus = "../shared/corpus/real"

// Replicate builds the replicated corpus of issue 18: every object of the
// manifests under src copied mult times with "-rNN" appended to its name
// (NN = 00 .. mult-1), the copies shuffled with a fixed seed and dealt
// round-robin into files files under dst. Items of a List are objects of
// their own. Documents that are not objects (no kind) are left out. The
// objects keep their namespace and every reference by name, so the copies
// of one namespace stay in one namespace (the case that exposes
// cross-object costs). It returns the number of objects written.
func Replicate(src, dst string, mult, files int, seed uint64) (int, error) {
	if mult < 1 || files < 1 {
		return 0, fmt.Errorf("replicate: multiplier %d and files %d must be positive", mult, files)
	}
	names, err := manifestFiles(src)
	if err != nil {
		return 0, err
	}
	slices.Sort(names)
	var objs []map[string]any
	for _, name := range names {
		o, err := readObjects(name)
		if err != nil {
			return 0, err
		}
		objs = append(objs, o...)
	}
	if len(objs) == 0 {
		return 0, fmt.Errorf("replicate: no objects under %s", src)
	}
	// Marshal each copy once; the shuffle then moves only byte slices.
	docs := make([][]byte, 0, len(objs)*mult)
	for r := range mult {
		for _, o := range objs {
			meta, _ := o["metadata"].(map[string]any)
			m := make(map[string]any, len(meta)+1)
			for k, v := range meta {
				m[k] = v
			}
			name, _ := meta["name"].(string)
			m["name"] = fmt.Sprintf("%s-r%02d", name, r)
			o["metadata"] = m
			y, err := sigsyaml.Marshal(o)
			o["metadata"] = meta
			if err != nil {
				return 0, err
			}
			docs = append(docs, y)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x62756c7761726b)) // "bulwark"
	rng.Shuffle(len(docs), func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })

	if err := os.MkdirAll(dst, 0o755); err != nil {
		return 0, err
	}
	bufs := make([]bytes.Buffer, min(files, len(docs)))
	for i, d := range docs {
		b := &bufs[i%len(bufs)]
		if b.Len() > 0 {
			b.WriteString("---\n")
		}
		b.Write(d)
	}
	for i := range bufs {
		sub := filepath.Join(dst, fmt.Sprintf("d%03d", i/50))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return 0, err
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%04d.yaml", i)), bufs[i].Bytes(), 0o644); err != nil {
			return 0, err
		}
	}
	return len(docs), nil
}

// readObjects returns the objects of one manifest file as generic maps.
func readObjects(name string) ([]map[string]any, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		j, err := sigsyaml.YAMLToJSON(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		var o map[string]any
		if err := json.Unmarshal(j, &o); err != nil || o == nil {
			continue // not a mapping: not an object
		}
		if k, _ := o["kind"].(string); k == "" {
			continue
		} else if k == "List" || (len(k) > 4 && k[len(k)-4:] == "List") {
			items, _ := o["items"].([]any)
			for _, it := range items {
				if m, ok := it.(map[string]any); ok {
					out = append(out, m)
				}
			}
			continue
		}
		out = append(out, o)
	}
}
